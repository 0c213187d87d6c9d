using System.Text.Json;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Security;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Api.Http;

/// <summary>Tenant API keys on the HTTP port (README "Security"): operators only.</summary>
public static class TenantEndpoints
{
    public static void MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/api/v1/tenants").RequireAuthorization(PairDbPolicies.Operator);
        tenants.MapGet("/", ListAsync);
        tenants.MapPost("/{tenant}/keys", CreateAsync);
        tenants.MapDelete("/{tenant}/keys", (string tenant, ApiKeyStore store, ApiKeyVerifier verifier, CancellationToken ct) =>
            RevokeAsync(tenant, null, store, verifier, ct));
        tenants.MapDelete("/{tenant}/keys/{keyId}", (string tenant, string keyId, ApiKeyStore store, ApiKeyVerifier verifier, CancellationToken ct) =>
            RevokeAsync(tenant, keyId, store, verifier, ct));
    }

    /// <summary>Reads the optional body whatever its Content-Type, as the other admin routes do (<c>curl -d</c>).</summary>
    private static Task<IResult> CreateAsync(string tenant, HttpRequest request, ApiKeyStore store, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            CreateApiKeyBody? body = null;
            if (request.ContentLength is null or > 0)
            {
                using var reader = new StreamReader(request.Body);
                var text = await reader.ReadToEndAsync(cancellationToken);
                try
                {
                    body = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<CreateApiKeyBody>(text, HttpJson.Options);
                }
                catch (JsonException e)
                {
                    return HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, $"request body is not valid JSON: {e.Message}");
                }
            }
            var created = await store.CreateAsync(tenant, body?.ExpiresInDays, cancellationToken);
            return Results.Json(NewApiKeyJson.From(created), HttpJson.Options, statusCode: StatusCodes.Status201Created);
        });

    private static Task<IResult> ListAsync(ApiKeyStore store, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () => Results.Json(TenantListJson.From(await store.ListAsync(cancellationToken)), HttpJson.Options));

    private static Task<IResult> RevokeAsync(string tenant, string? keyId, ApiKeyStore store, ApiKeyVerifier verifier, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            if (keyId is not null && !ApiKeyFormat.IsKeyId(keyId))
            {
                return HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument,
                    $"key id '{keyId}' is not {ApiKeyFormat.KeyIdLength} lowercase hex digits");
            }
            var result = await store.RevokeAsync(tenant, keyId, cancellationToken);
            if (!result.Found)
            {
                return HttpErrors.Error(StatusCodes.Status404NotFound, ErrorCode.InvalidArgument,
                    keyId is null ? $"tenant '{tenant}' has no API keys" : $"tenant '{tenant}' has no API key '{keyId}'");
            }
            // This coordinator stops accepting them now; the others at their next refresh.
            verifier.Forget(result.Revoked);
            return Results.Json(new RevokedKeysJson(tenant, result.Revoked), HttpJson.Options);
        });
}
