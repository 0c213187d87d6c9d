namespace PairDb.Hosting.Security;

/// <summary>The three kinds of caller (DESIGN.md section 9) as role claims, and the tenant claim of a tenant client.</summary>
public static class PairDbRoles
{
    /// <summary>A coordinator or storage node: TLS client certificate issued by the cluster CA.</summary>
    public const string Member = "member";

    /// <summary>An operator: the operator token as bearer credential.</summary>
    public const string Operator = "operator";

    /// <summary>A tenant client: one of the tenant's API keys as bearer credential.</summary>
    public const string Tenant = "tenant";

    /// <summary>Claim type holding the tenant id a tenant credential belongs to.</summary>
    public const string TenantClaim = "pairdb:tenant";
}
