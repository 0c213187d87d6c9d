namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>One tenant's effective limits (its override over the default); 0 = unlimited for each.</summary>
public readonly record struct TenantQuota(int RequestsPerSecond, int Burst, int BytesPerSecond, long StoredBytes)
{
    /// <summary>
    /// How long the tenant's buckets take to refill from empty: after this long without a request they are
    /// full, so forgetting them forgives nothing.
    /// </summary>
    public TimeSpan RefillTime => TimeSpan.FromSeconds(Math.Max(
        RequestsPerSecond == 0 ? 0 : (double)Burst / RequestsPerSecond,
        BytesPerSecond == 0 ? 0 : 1.0));
}
