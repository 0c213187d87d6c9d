namespace PairDb.Hosting.Security;

/// <summary>
/// Authorization policy names. Every gRPC method and HTTP route names one of these (deny by default:
/// an endpoint without one is refused and fails the policy-coverage test).
/// </summary>
public static class PairDbPolicies
{
    /// <summary>Tenant clients (KeyValueService); the request's tenant must be the credential's.</summary>
    public const string Tenant = "pairdb.tenant";

    /// <summary>Operators only (admin APIs, CoordinatorService).</summary>
    public const string Operator = "pairdb.operator";

    /// <summary>Cluster members only (StorageService, streaming, recovery).</summary>
    public const string Member = "pairdb.member";

    /// <summary>Operators and cluster members (admin calls one host makes on another, /health, /metrics).</summary>
    public const string OperatorOrMember = "pairdb.operator-or-member";

    /// <summary>Anyone, even unauthenticated (liveness and readiness probes only).</summary>
    public const string Anonymous = "pairdb.anonymous";
}
