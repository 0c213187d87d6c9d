using System.Security.Claims;

namespace PairDb.Hosting.Security;

/// <summary>What handlers ask of the authenticated caller.</summary>
public static class CallerIdentity
{
    /// <summary>The authentication type of the everyone-is-everything principal of an insecure host.</summary>
    public const string InsecureAuthenticationType = "insecure";

    /// <summary>True on an insecure host, where the caller was not authenticated and holds every role.</summary>
    public static bool IsUnauthenticatedEveryone(this ClaimsPrincipal caller) =>
        caller.Identity?.AuthenticationType == InsecureAuthenticationType;

    /// <summary>A cluster member (or anyone, on an insecure host).</summary>
    public static bool IsMember(this ClaimsPrincipal caller) => caller.IsInRole(PairDbRoles.Member);

    /// <summary>The tenant the caller's credential is bound to; null when it may act for any tenant (insecure host).</summary>
    public static string? BoundTenant(this ClaimsPrincipal caller) => caller.FindFirst(PairDbRoles.TenantClaim)?.Value;

    /// <summary>True when the caller may act for <paramref name="tenant"/>: its credential names it, or names none.</summary>
    public static bool MayActFor(this ClaimsPrincipal caller, string tenant) =>
        caller.BoundTenant() is not { } bound || string.Equals(bound, tenant, StringComparison.Ordinal);
}
