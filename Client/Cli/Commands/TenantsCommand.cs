using System.Text.Json;
using PairDb.Client.Cli.Output;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Security;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary>
/// <c>tenants create|list|revoke</c>: tenant API keys through the coordinator's admin API (operator).
/// A created key is printed once, as the last line (so <c>| tail -1</c> captures it), and saved to
/// <c>DIR/tenants/NAME.key</c> readable by its owner only; the coordinator keeps only its hash.
/// </summary>
public static class TenantsCommand
{
    public const string KeyDirectory = "tenants";

    /// <summary>Where <c>tenants create</c> saves a tenant's key (and where the data commands look for it).</summary>
    public static string KeyPath(string dataDirectory, string tenant) => Path.Combine(dataDirectory, KeyDirectory, tenant + ".key");

    public static async Task<int> RunAsync(CliContext context)
    {
        var command = context.Command;
        var action = command.Positional(0, "action (create, list or revoke)");
        using var admin = new CoordinatorAdminHttp(context);
        switch (action)
        {
            case "create":
                command.ExpectAtMost(2);
                return await CreateAsync(context, admin, Tenant(command.Positional(1, "tenant NAME")), command.Int("--expires-in-days", 1, 36_500));
            case "list":
                command.ExpectAtMost(1);
                return await ListAsync(context, admin);
            case "revoke":
                command.ExpectAtMost(3);
                var tenant = Tenant(command.Positional(1, "tenant NAME"));
                return await RevokeAsync(context, admin, tenant, command.Positionals.Count > 2 ? command.Positionals[2] : null);
            default:
                throw new UsageException($"unknown tenants action '{action}'");
        }
    }

    private static async Task<int> CreateAsync(CliContext context, CoordinatorAdminHttp admin, string tenant, int? expiresInDays)
    {
        var body = await admin.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{tenant}/keys",
            expiresInDays is { } days ? new { expires_in_days = days } : null);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var keyId = root.GetProperty("key_id").GetString()!;
        var apiKey = root.GetProperty("api_key").GetString()!;
        var expiresAt = root.TryGetProperty("expires_at", out var expires) && expires.ValueKind == JsonValueKind.String ? expires.GetDateTimeOffset() : (DateTimeOffset?)null;
        var path = KeyPath(context.DataDirectory, tenant);
        PemFiles.WriteSecret(path, apiKey);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new { tenant, key_id = keyId, expires_at = expiresAt, key_file = path, api_key = apiKey });
            return CliApp.Ok;
        }
        context.Out.WriteLine($"tenant {tenant}: API key {keyId} created, expires {(expiresAt is { } at ? Formats.Time(at) : "never")}");
        context.Out.WriteLine($"saved to {path} (readable by its owner only); shown once, the coordinator keeps only its hash:");
        context.Out.WriteLine(apiKey);
        return CliApp.Ok;
    }

    private static async Task<int> ListAsync(CliContext context, CoordinatorAdminHttp admin)
    {
        var body = await admin.SendAsync(HttpMethod.Get, "/api/v1/tenants");
        if (context.Json)
        {
            context.Out.WriteLine(body);
            return CliApp.Ok;
        }
        using var json = JsonDocument.Parse(body);
        var tenants = json.RootElement.GetProperty("tenants");
        if (tenants.GetArrayLength() == 0)
        {
            context.Out.WriteLine("no tenant has an API key; create one with: ./pairdb tenants create NAME");
            return CliApp.Ok;
        }
        var table = new Table().AddColumns("tenant", "key id", "created", "expires", "revoked");
        foreach (var tenant in tenants.EnumerateArray())
        {
            var name = tenant.GetProperty("tenant").GetString() ?? "";
            foreach (var key in tenant.GetProperty("keys").EnumerateArray())
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(key.GetProperty("key_id").GetString() ?? ""),
                    Time(key, "created_at"), Time(key, "expires_at") is { Length: > 0 } expires ? expires : "never", Time(key, "revoked_at"));
            }
        }
        context.Console.Write(table);
        return CliApp.Ok;
    }

    private static async Task<int> RevokeAsync(CliContext context, CoordinatorAdminHttp admin, string tenant, string? keyId)
    {
        var path = keyId is null ? $"/api/v1/tenants/{tenant}/keys" : $"/api/v1/tenants/{tenant}/keys/{Uri.EscapeDataString(keyId)}";
        var body = await admin.SendAsync(HttpMethod.Delete, path);
        if (context.Json)
        {
            context.Out.WriteLine(body);
            return CliApp.Ok;
        }
        using var json = JsonDocument.Parse(body);
        var revoked = json.RootElement.GetProperty("revoked").EnumerateArray().Select(e => e.GetString()).ToList();
        context.Out.WriteLine(revoked.Count == 0
            ? $"tenant {tenant}: nothing to revoke ({(keyId is null ? "every key was" : $"key {keyId} was")} already revoked)"
            : $"tenant {tenant}: revoked {revoked.Count} key(s): {string.Join(", ", revoked)}; every coordinator refuses them within seconds");
        return CliApp.Ok;
    }

    /// <summary>Checked here too: the name becomes a file name under DIR/tenants.</summary>
    private static string Tenant(string name) =>
        TenantIds.IsValid(name) ? name : throw new UsageException($"tenant NAME '{name}' is not [A-Za-z0-9_-]{{1,{TenantIds.MaxLength}}}");

    private static string Time(JsonElement key, string property) =>
        key.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? Formats.Time(value.GetDateTimeOffset()) : "";
}
