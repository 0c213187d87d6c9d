using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Validation;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Who is calling KeyValueService and for which tenant: the one place a data request's identity is
/// resolved on the coordinator (DESIGN.md section 9), from the authenticated principal.
/// </summary>
/// <param name="ClientId">The <c>x-pairdb-client-id</c> the caller named (informational; confers trust only on an insecure host).</param>
/// <param name="Trusted">Skips the costly validation: a cluster member. On an insecure host, where everyone is everything,
/// a caller naming one of <c>Validation:TrustedClients</c> as before, so plain clients keep the full checks.</param>
/// <param name="BoundTenant">The tenant the credential belongs to; null when it may name any (insecure host).</param>
/// <param name="Deadline">The client's deadline (UTC; <see cref="DateTime.MaxValue"/> for none), carried into the replica calls.</param>
public readonly record struct KeyValueCallContext(string? ClientId, bool Trusted, DateTime Deadline, string? BoundTenant = null)
{
    public const string ClientIdHeader = "x-pairdb-client-id";

    public static KeyValueCallContext From(ServerCallContext context, ValidationOptions validation)
    {
        var clientId = context.RequestHeaders.GetValue(ClientIdHeader);
        var caller = context.GetHttpContext().User;
        var trusted = caller.IsUnauthenticatedEveryone()
            ? clientId is not null && validation.IsTrusted(clientId)
            : caller.IsMember();
        return new KeyValueCallContext(clientId, trusted, context.Deadline, caller.BoundTenant());
    }

    /// <summary>
    /// The tenant a request acts for: the one it names, which must be the credential's own
    /// (else PERMISSION_DENIED, 1011, before anything is read or changed).
    /// </summary>
    public string ResolveTenant(string requestedTenant)
    {
        if (BoundTenant is not null && !string.Equals(BoundTenant, requestedTenant, StringComparison.Ordinal))
        {
            PairDbException.Throw(ErrorCode.PermissionDenied, $"the credential belongs to tenant '{BoundTenant}' and may not act for tenant '{requestedTenant}'");
        }
        return requestedTenant;
    }

    /// <summary>Checks every item's tenant before a batch starts any item: a batch naming another tenant is refused whole.</summary>
    public void RequireTenants<TItem>(IEnumerable<TItem> items, Func<TItem, string> tenantOf)
    {
        foreach (var item in items)
        {
            ResolveTenant(tenantOf(item));
        }
    }
}
