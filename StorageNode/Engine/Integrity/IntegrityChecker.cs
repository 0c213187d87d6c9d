using System.Diagnostics;
using System.IO.Hashing;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Integrity;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

/// <summary>Full verification of the live tables and digests of key ranges.</summary>
public sealed class IntegrityChecker
{
    private readonly LsmEngine _engine;
    private IntegrityScanProgress? _progress;

    internal IntegrityChecker(LsmEngine engine) => _engine = engine;

    /// <summary>The running (or last) scan's progress; null before the first scan.</summary>
    public IntegrityScanProgress? Progress => Volatile.Read(ref _progress);

    /// <summary>
    /// Verifies every block of every live SSTable, <see cref="LsmEngineOptions.ChecksumWorkers"/> tables at a time. The
    /// tables scanned are those live when the scan starts (pinned until it ends). Each bad block counts in
    /// <c>checksum_failures_total</c> and logs <c>checksum validation failed ...</c>.
    /// </summary>
    public async Task<IntegrityReport> ScanAsync(IProgress<IntegrityScanProgress>? progress = null, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var version = _engine.AcquireVersion();
        try
        {
            var tables = new List<SSTableReader>();
            long totalBytes = 0;
            foreach (var level in version.Levels)
            {
                foreach (var table in level)
                {
                    tables.Add(table);
                    totalBytes += table.FileSize;
                }
            }

            long bytesDone = 0, blocksDone = 0;
            var tablesDone = 0;
            var corrupt = new List<CorruptFileReport>();
            void Report()
            {
                var p = new IntegrityScanProgress(Volatile.Read(ref tablesDone), tables.Count, Interlocked.Read(ref bytesDone), totalBytes);
                Volatile.Write(ref _progress, p);
                progress?.Report(p);
            }

            Report();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _engine.Options.ChecksumWorkers, CancellationToken = ct };
            await Parallel.ForEachAsync(tables, parallel, (table, token) =>
            {
                var problems = TableVerifier.Verify(table.Path, bytes => Interlocked.Add(ref bytesDone, bytes), out var blocks);
                Interlocked.Add(ref blocksDone, blocks);
                if (problems.Count > 0)
                {
                    _engine.RecordCorruption(table.Path, problems);
                    lock (corrupt)
                    {
                        corrupt.Add(new CorruptFileReport(table.Path, problems));
                    }
                }

                Interlocked.Increment(ref tablesDone);
                Report();
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);

            corrupt.Sort(static (a, b) => string.CompareOrdinal(a.FilePath, b.FilePath));
            var duration = Stopwatch.GetElapsedTime(started);
            EngineLog.IntegrityScanCompleted(_engine.Logger, tables.Count, blocksDone, Sizes.Bytes(bytesDone), corrupt.Count, Sizes.Duration(duration));
            return new IntegrityReport(tables.Count, blocksDone, bytesDone, duration, corrupt);
        }
        finally
        {
            version.Release();
        }
    }

    /// <summary>
    /// XxHash128 over the live entries with start &lt;= key &lt; end, in key order, each as
    /// <c>[u32 keyLength][key][u32 valueLength][value]</c>; two replicas holding the same data give the same digest.
    /// </summary>
    public KeyRangeDigest ComputeDigest(byte[]? startInclusive, byte[]? endExclusive)
    {
        var hash = new XxHash128();
        Span<byte> length = stackalloc byte[4];
        long entries = 0, bytes = 0;
        foreach (var entry in _engine.Scan(startInclusive, endExclusive))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, entry.Key.Length);
            hash.Append(length);
            hash.Append(entry.Key);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, entry.Value.Length);
            hash.Append(length);
            hash.Append(entry.Value);
            entries++;
            bytes += entry.Key.Length + entry.Value.Length;
        }

        return new KeyRangeDigest(Convert.ToHexString(hash.GetCurrentHash()), entries, bytes);
    }
}
