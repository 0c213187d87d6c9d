using Grpc.Core;
using PairDb.Contracts.Validation;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// Who is calling and for which tenant: the one place a request's identity is resolved
/// (DESIGN.md section 9), so that it can later come from an authenticated principal rather than a
/// header and the request body.
/// </summary>
public readonly record struct CallContext(string? ClientId, bool Trusted)
{
    public static CallContext From(ServerCallContext context, string clientIdHeader, ValidationOptions validation)
    {
        var clientId = context.RequestHeaders.GetValue(clientIdHeader);
        return new CallContext(clientId, validation.IsTrusted(clientId));
    }

    /// <summary>The tenant a request acts for: today the tenant it names.</summary>
    public string ResolveTenant(string requestedTenant) => requestedTenant;
}
