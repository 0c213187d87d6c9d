using Grpc.Core;
using PairDb.Contracts.Validation;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Who is calling KeyValueService and for which tenant: the one place a data request's identity is
/// resolved on the coordinator (DESIGN.md section 9), so that it can later come from an
/// authenticated principal instead of a header and the request body.
/// </summary>
/// <param name="Deadline">The client's deadline (UTC; <see cref="DateTime.MaxValue"/> for none), carried into the replica calls.</param>
public readonly record struct KeyValueCallContext(string? ClientId, bool Trusted, DateTime Deadline)
{
    public const string ClientIdHeader = "x-pairdb-client-id";

    public static KeyValueCallContext From(ServerCallContext context, ValidationOptions validation)
    {
        var clientId = context.RequestHeaders.GetValue(ClientIdHeader);
        return new KeyValueCallContext(clientId, clientId is not null && validation.IsTrusted(clientId), context.Deadline);
    }

    /// <summary>The tenant a request acts for: today the tenant it names.</summary>
    public string ResolveTenant(string requestedTenant) => requestedTenant;
}
