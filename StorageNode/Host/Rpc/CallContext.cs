using Grpc.Core;
using PairDb.Contracts.Validation;
using PairDb.Hosting.Security;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// Who is calling: the one place a request's identity is resolved (DESIGN.md section 9). Trusted (the costly
/// validation skipped) means a cluster member, proven by its certificate; the <c>x-pairdb-client-id</c> header is
/// only logged. On an insecure node, where nobody is authenticated and everyone may do everything, the header naming
/// one of <c>Validation:TrustedClients</c> still selects the cheaper checks, as before.
/// </summary>
public readonly record struct CallContext(string? ClientId, bool Trusted)
{
    public static CallContext From(ServerCallContext context, string clientIdHeader, ValidationOptions validation)
    {
        var clientId = context.RequestHeaders.GetValue(clientIdHeader);
        var caller = context.GetHttpContext().User;
        var trusted = caller.IsUnauthenticatedEveryone() ? validation.IsTrusted(clientId) : caller.IsMember();
        return new CallContext(clientId, trusted);
    }

    /// <summary>The tenant a request acts for: the tenant it names (members act for every tenant).</summary>
    public string ResolveTenant(string requestedTenant) => requestedTenant;
}
