using System.Text;
using PairDb.Engine;

namespace PairDb.StorageNode.Data;

/// <summary>
/// Logical bytes per tenant on this node, for the coordinator's stored-bytes quotas: one pass over an engine
/// snapshot summing each live key's encoded key and stored sibling-set bytes under the tenant its key prefix
/// names. A scan rather than a counter kept on every write: it cannot drift whatever changed the data
/// (coordinated and replica writes, merges, streaming, range drops, clear-all, expiry and compaction), at the
/// price of one sequential read of the node's data per scan, which callers pace (the coordinator polls every
/// few seconds). Concurrent callers share one scan, and a scan younger than <see cref="Reuse"/> is answered again.
/// </summary>
public sealed class TenantUsageScanner(VersionedStore store, TimeProvider time)
{
    /// <summary>How long a finished scan answers every caller (several coordinators polling at once).</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<TenantUsageSnapshot>? _running;
    private TenantUsageSnapshot? _last;

    /// <summary>The latest usage: a recent scan, the one running, or a new one.</summary>
    public Task<TenantUsageSnapshot> GetAsync()
    {
        lock (_lock)
        {
            if (_last is { } last && time.GetUtcNow() - last.ScannedAt < Reuse)
            {
                return Task.FromResult(last);
            }

            return _running ??= Task.Run(ScanAndPublish);
        }
    }

    private TenantUsageSnapshot ScanAndPublish()
    {
        try
        {
            var snapshot = Scan(store.Engine, time.GetUtcNow());
            lock (_lock)
            {
                _last = snapshot;
            }
            return snapshot;
        }
        finally
        {
            lock (_lock)
            {
                _running = null;
            }
        }
    }

    /// <summary>Sums one snapshot by tenant (the encoded key's length-prefixed tenant id, KeyEncoding).</summary>
    public static TenantUsageSnapshot Scan(LsmEngine engine, DateTimeOffset startedAt)
    {
        var tenants = new Dictionary<string, (ulong Bytes, ulong Keys)>(StringComparer.Ordinal);
        using var snapshot = engine.GetSnapshot();
        var cursor = snapshot.OpenCursor(null, null);
        byte[] prefix = [];
        string tenant = "";
        while (cursor.MoveNext())
        {
            var key = cursor.Key;
            var tenantLength = key.Length == 0 ? 0 : key[0];
            if (key.Length < 1 + tenantLength)
            {
                continue;
            }

            // Keys of one tenant are contiguous: decode its id once per tenant, not once per key.
            var keyPrefix = key[..(1 + tenantLength)];
            if (!keyPrefix.SequenceEqual(prefix))
            {
                prefix = keyPrefix.ToArray();
                tenant = Encoding.ASCII.GetString(keyPrefix[1..]);
            }

            var sum = tenants.GetValueOrDefault(tenant);
            tenants[tenant] = (sum.Bytes + (ulong)key.Length + (ulong)cursor.Value.Length, sum.Keys + 1);
        }

        return new TenantUsageSnapshot(tenants, startedAt);
    }
}

/// <summary>One scan's figures: bytes and live keys per tenant, and when the scan started.</summary>
public sealed record TenantUsageSnapshot(IReadOnlyDictionary<string, (ulong Bytes, ulong Keys)> Tenants, DateTimeOffset ScannedAt);
