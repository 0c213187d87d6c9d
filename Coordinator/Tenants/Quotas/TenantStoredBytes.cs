using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>
/// Each tenant's estimated logical stored bytes, as the last <see cref="TenantUsagePoller"/> round computed
/// them: the sum of every node's figure divided by the replication factor (every key is on N nodes). An
/// estimate: a key missing on one replica (hints pending) or on extra nodes (a move in progress) shifts it by
/// that key's share, which a quota of any useful size does not notice. Published whole, read without a lock.
/// </summary>
public sealed class TenantStoredBytes
{
    private volatile FrozenDictionary<string, long> _bytes = FrozenDictionary<string, long>.Empty;

    public TenantStoredBytes(QuotaMetrics metrics) => metrics.ObserveStoredBytes(Measure);

    /// <summary>Whether a round has completed since start-up (before that every tenant reads 0).</summary>
    public bool Known { get; private set; }

    public long Of(string tenant) => _bytes.GetValueOrDefault(tenant);

    public void Publish(IReadOnlyDictionary<string, long> bytes)
    {
        _bytes = bytes.ToFrozenDictionary(StringComparer.Ordinal);
        Known = true;
    }

    private IEnumerable<Measurement<long>> Measure()
    {
        foreach (var (tenant, bytes) in _bytes)
        {
            yield return new Measurement<long>(bytes, new KeyValuePair<string, object?>(QuotaMetrics.TenantLabel, tenant));
        }
    }
}
