using System.IO.Hashing;
using PairDb.Contracts.Keys;

namespace PairDb.StorageNode.Data;

public sealed partial class VersionedStore
{
    /// <summary>
    /// Key count and order-independent digest (sum mod 2^64 of XxHash64(encoded key ++ stored bytes))
    /// of every key whose ring token lies in (<paramref name="startToken"/>, <paramref name="endToken"/>];
    /// the range wraps when start &gt;= end, and start == end is the whole ring. Reads one snapshot.
    /// </summary>
    public (ulong KeyCount, ulong Digest) RangeDigest(ulong startToken, ulong endToken, CancellationToken cancellationToken)
    {
        ulong count = 0;
        ulong digest = 0;
        var hash = new XxHash64();
        using var snapshot = _engine.GetSnapshot();
        foreach (var (key, value) in snapshot.Scan(null, null))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!InRange(RingToken.Of(key), startToken, endToken))
            {
                continue;
            }

            hash.Reset();
            hash.Append(key);
            hash.Append(value);
            unchecked
            {
                digest += hash.GetCurrentHashAsUInt64();
            }

            count++;
        }

        return (count, digest);
    }

    /// <summary>True when <paramref name="token"/> is in the ring range (start, end].</summary>
    public static bool InRange(ulong token, ulong start, ulong end) =>
        start < end ? token > start && token <= end : token > start || token <= end;
}
