using System.IO.Hashing;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Data;

public sealed partial class VersionedStore
{
    /// <summary>The engine the store writes to (streaming reads its snapshots directly).</summary>
    public LsmEngine Engine => _engine;

    /// <summary>Completes once every write applied so far is on disk, whatever the durability mode.</summary>
    public ValueTask SyncAsync() => _engine.SyncAsync();

    /// <summary>How a replica's set compares with this node's set of the same key.</summary>
    public Coverage CheckCoverage(byte[] encodedKey, SiblingSet incoming)
    {
        if (!_engine.TryGet(encodedKey, out var bytes))
        {
            return Coverage.Missing;
        }

        var local = ParseStored(bytes, encodedKey);
        return local.MergeWith(incoming).Equals(local) ? Coverage.Covered : Coverage.Behind;
    }

    /// <summary>
    /// Removes every key whose ring token some range of <paramref name="ranges"/> holds, leaving no tombstones.
    /// A new incarnation is taken first, as before any drop: the node may own these ranges again one day.
    /// </summary>
    public Task<KeyDropResult> DropRangesAsync(TokenRangeIndex ranges, CancellationToken cancellationToken)
    {
        Identity.Renew($"dropping {ranges.Count} token ranges");
        return _engine.DropKeysAsync(key => ranges.Contains(RingToken.Of(key)), cancellationToken);
    }

    /// <summary>
    /// Removes every key (runbook 3.4 rollback), leaving no tombstones, under a new incarnation taken first:
    /// the counters of the old one are gone with the data, so its dots must never be minted again.
    /// </summary>
    public Task<KeyDropResult> ClearAllAsync(CancellationToken cancellationToken)
    {
        Identity.Renew("clear-all");
        return _engine.DropKeysAsync(static _ => true, cancellationToken);
    }

    /// <summary>
    /// One (key count, digest) per range of <paramref name="ranges"/>, each equal to <see cref="RangeDigest"/> of
    /// that range, from one snapshot read once: the key space is cut at table boundaries into up to
    /// <paramref name="workers"/> slices scanned in parallel, and the order-independent sums are added up.
    /// </summary>
    public (ulong KeyCount, ulong Digest)[] RangeDigests(TokenRangeIndex ranges, int workers, CancellationToken cancellationToken)
    {
        using var snapshot = _engine.GetSnapshot();
        var slices = SplitPoints(workers);
        var partials = new (ulong KeyCount, ulong Digest)[slices.Count + 1][];
        try
        {
            Parallel.For(0, slices.Count + 1, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, slice =>
            {
                var start = slice == 0 ? null : slices[slice - 1];
                var end = slice == slices.Count ? null : slices[slice];
                partials[slice] = DigestSlice(snapshot.OpenCursor(start, end), ranges, cancellationToken);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The caller maps a checksum failure to its own error code; an aggregate would hide it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        var result = new (ulong KeyCount, ulong Digest)[ranges.Count];
        foreach (var partial in partials)
        {
            for (var i = 0; i < result.Length; i++)
            {
                unchecked
                {
                    result[i] = (result[i].KeyCount + partial[i].KeyCount, result[i].Digest + partial[i].Digest);
                }
            }
        }

        return result;
    }

    private static (ulong KeyCount, ulong Digest)[] DigestSlice(EngineCursor cursor, TokenRangeIndex ranges, CancellationToken cancellationToken)
    {
        var sums = new (ulong KeyCount, ulong Digest)[ranges.Count];
        var hash = new XxHash64();
        var seen = 0;
        while (cursor.MoveNext())
        {
            if ((++seen & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var covering = ranges.Covering(RingToken.Of(cursor.Key));
            if (covering.IsEmpty)
            {
                continue;
            }

            // The same hash as RangeDigest: XxHash64 over the key followed by the stored bytes.
            hash.Reset();
            hash.Append(cursor.Key);
            hash.Append(cursor.Value);
            var h = hash.GetCurrentHashAsUInt64();
            foreach (var range in covering)
            {
                unchecked
                {
                    sums[range] = (sums[range].KeyCount + 1, sums[range].Digest + h);
                }
            }
        }

        return sums;
    }

    /// <summary>Up to workers - 1 distinct keys cutting the key space into slices of similar table counts.</summary>
    private List<byte[]> SplitPoints(int workers)
    {
        var points = new List<byte[]>();
        if (workers <= 1)
        {
            return points;
        }

        var starts = new List<byte[]>();
        foreach (var table in _engine.ListTables())
        {
            starts.Add(table.SmallestKey);
        }

        starts.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        for (var i = 1; i < workers && starts.Count > 0; i++)
        {
            var candidate = starts[(int)((long)starts.Count * i / workers)];
            if (candidate.Length > 0 && (points.Count == 0 || points[^1].AsSpan().SequenceCompareTo(candidate) < 0))
            {
                points.Add(candidate);
            }
        }

        return points;
    }
}

/// <summary>Whether this node already holds what a replica holds for a key.</summary>
public enum Coverage
{
    /// <summary>Merging the replica's set would change nothing here.</summary>
    Covered,

    /// <summary>This node holds nothing for the key.</summary>
    Missing,

    /// <summary>This node holds the key but lacks some sibling or context entry of the replica's set.</summary>
    Behind,
}
