using System.Text;
using PairDb.Client.Cli.Output;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>put</c>, <c>get</c>, <c>delete</c> through the coordinator's KeyValueService, with the SDK (retries and breaker included).</summary>
public static class KeyValueCommands
{
    public static async Task<int> PutAsync(CliContext context)
    {
        var command = context.Command;
        var (tenant, key) = (command.Positional(0, "TENANT"), command.Positional(1, "KEY"));
        var value = command.Positional(2, "VALUE");
        command.ExpectAtMost(3);
        var options = WriteOptionsOf(command, allowTtl: true);
        var writeContext = ContextOf(command);
        await using var client = Client(context, tenant);
        var written = await client.PutAsync(tenant, key, value, writeContext, options);
        WriteWritten(context, "put", tenant, key, written);
        return CliApp.Ok;
    }

    public static async Task<int> GetAsync(CliContext context)
    {
        var command = context.Command;
        var (tenant, key) = (command.Positional(0, "TENANT"), command.Positional(1, "KEY"));
        command.ExpectAtMost(2);
        var options = new ReadOptions { Consistency = ConsistencyOf(command), R = (uint?)command.Int("--r", 1, 16) };
        await using var client = Client(context, tenant);
        var read = await client.GetAsync(tenant, key, options);
        if (!read.Found)
        {
            throw new PairDbException(ErrorCode.KeyNotFound, $"no live value for tenant '{tenant}' key '{key}'");
        }
        if (context.Json)
        {
            var siblings = new List<object>(read.Siblings.Count);
            foreach (var sibling in read.Siblings)
            {
                siblings.Add(new
                {
                    value = TryUtf8(sibling.Value.Span),
                    value_base64 = Convert.ToBase64String(sibling.Value.Span),
                    tombstone = sibling.IsTombstone,
                    expires_at = sibling.ExpiresAt,
                });
            }
            JsonOutput.Write(context.Out, new { tenant, key, siblings, context = Convert.ToBase64String(read.Context.Span) });
            return CliApp.Ok;
        }
        if (read.TryGetValue(out var single) && read.Siblings.Count == 1)
        {
            context.Out.WriteLine(Printable(single.Span));
        }
        else
        {
            context.Out.WriteLine($"{read.Siblings.Count} siblings (concurrent writes; put with --context to resolve them):");
            for (var i = 0; i < read.Siblings.Count; i++)
            {
                var sibling = read.Siblings[i];
                var expires = sibling.ExpiresAt is { } at ? $"  (expires {Formats.Time(at)})" : "";
                context.Out.WriteLine($"  [{i + 1}] {(sibling.IsTombstone ? "(deleted)" : Printable(sibling.Value.Span))}{expires}");
            }
        }
        context.Out.WriteLine($"context: {Convert.ToBase64String(read.Context.Span)}");
        return CliApp.Ok;
    }

    public static async Task<int> DeleteAsync(CliContext context)
    {
        var command = context.Command;
        var (tenant, key) = (command.Positional(0, "TENANT"), command.Positional(1, "KEY"));
        command.ExpectAtMost(2);
        var options = WriteOptionsOf(command, allowTtl: false);
        await using var client = Client(context, tenant);
        var deleteContext = ContextOf(command);
        if (deleteContext.IsEmpty)
        {
            // A delete without a context would only add a concurrent tombstone: read first so it replaces what is there.
            var read = await client.GetAsync(tenant, key);
            if (!read.Found)
            {
                throw new PairDbException(ErrorCode.KeyNotFound, $"no live value for tenant '{tenant}' key '{key}'");
            }
            deleteContext = read.Context;
        }
        var written = await client.DeleteAsync(tenant, key, deleteContext, options);
        WriteWritten(context, "delete", tenant, key, written);
        return CliApp.Ok;
    }

    /// <summary>An SDK client for <paramref name="tenant"/>: TLS and the tenant's API key when the cluster is secure.</summary>
    private static PairDbClient Client(CliContext context, string tenant)
    {
        var options = context.Access.ClientOptions(context.CoordinatorEndpoint, tenant);
        if (context.Access.Secure && options.ApiKey is null)
        {
            // The call still goes out (the server decides), but the refusal alone would not say what to do.
            context.Error.WriteLine($"warning: no API key for tenant '{tenant}' (no {ClusterAccess.ApiKeyVariable}, no {context.Access.Files!.TenantKeyPath(tenant)}): " +
                $"create one with ./pairdb tenants create {tenant}");
        }
        return new PairDbClient(options);
    }

    private static WriteOptions WriteOptionsOf(CommandLine command, bool allowTtl)
    {
        var ttl = allowTtl ? command.Int("--ttl", 1, int.MaxValue) : null;
        return new WriteOptions
        {
            Consistency = ConsistencyOf(command),
            W = (uint?)command.Int("--w", 1, 16),
            Ttl = ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    private static ConsistencyLevel? ConsistencyOf(CommandLine command) => command.Value("--consistency") switch
    {
        null => null,
        "one" or "ONE" => ConsistencyLevel.One,
        "quorum" or "QUORUM" => ConsistencyLevel.Quorum,
        "all" or "ALL" => ConsistencyLevel.All,
        var other => throw new UsageException($"--consistency must be one, quorum or all (got '{other}')"),
    };

    private static ReadOnlyMemory<byte> ContextOf(CommandLine command)
    {
        var text = command.Value("--context");
        if (string.IsNullOrEmpty(text))
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--context is not base64: {e.Message}", e);
        }
    }

    private static void WriteWritten(CliContext context, string operation, string tenant, string key, WriteResult written)
    {
        var encoded = Convert.ToBase64String(written.Context.Span);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new { operation, tenant, key, context = encoded });
        }
        else
        {
            context.Out.WriteLine($"OK ({operation} {tenant}/{key})");
            context.Out.WriteLine($"context: {encoded}");
        }
    }

    /// <summary>The value as text when it is valid UTF-8 without control characters, else <c>base64:...</c>.</summary>
    private static string Printable(ReadOnlySpan<byte> value) => TryUtf8(value) ?? "base64:" + Convert.ToBase64String(value);

    private static string? TryUtf8(ReadOnlySpan<byte> value)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            foreach (var c in text)
            {
                if (char.IsControl(c) && c is not '\n' and not '\t')
                {
                    return null;
                }
            }
            return text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
