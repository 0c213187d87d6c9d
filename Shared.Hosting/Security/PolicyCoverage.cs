using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace PairDb.Hosting.Security;

/// <summary>
/// Checks that endpoints name who may call them: deny by default means an endpoint without one of
/// <see cref="PairDbPolicies"/> is refused to everyone, which is never what its author meant.
/// </summary>
public static class PolicyCoverage
{
    private static readonly HashSet<string> Known =
        [PairDbPolicies.Tenant, PairDbPolicies.Operator, PairDbPolicies.Member, PairDbPolicies.OperatorOrMember, PairDbPolicies.Anonymous];

    /// <summary>The policies an endpoint names (attributes or <c>RequireAuthorization</c>), in order.</summary>
    public static IReadOnlyList<string> PoliciesOf(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();

    /// <summary>Display names of the endpoints that name no pairdb policy, or a name that is not one.</summary>
    public static IReadOnlyList<string> Uncovered(IEnumerable<Endpoint> endpoints) =>
        endpoints
            .Where(e => PoliciesOf(e) is var policies && (policies.Count == 0 || !policies.All(Known.Contains)))
            .Select(e => e.DisplayName ?? e.ToString() ?? "(unnamed endpoint)")
            .ToList();
}
