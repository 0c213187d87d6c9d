using System.Collections;
using System.Diagnostics;
using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>
/// The mixed phase: <c>keys</c> puts of uniformly random ids (overwrites included), then <c>ops</c> operations, half
/// reads and half updates, of keys chosen by a scrambled Zipfian (theta 0.99) over the keys loaded — started right
/// after the load, so compaction is still working through the backlog. Write amplification is the process's
/// <c>write_bytes</c> over both parts divided by the key and value bytes put; space amplification is the database
/// directory's size at the end over the live data (distinct keys × (key + value)).
/// </summary>
public sealed class MixedPhase(int keys, int ops, int valueSize, int seed)
{
    private const int MaintenanceInterval = 100_000;

    public MixedResult Run(Func<string, IMixedStore> open, string family)
    {
        using var directory = new TempDirectory(family + "-mixed");
        var values = new MixedKeys(valueSize, seed);
        var key = new byte[MixedKeys.KeySize];
        var random = new Random(seed);
        var seen = new BitArray(keys);
        var distinct = new List<int>(keys);
        IMixedStore? store = null;
        try
        {
            store = open(directory.Path);
            GC.Collect();
            var writtenBefore = ProcessIo.WriteBytes();
            var load = Stopwatch.StartNew();
            for (var i = 0; i < keys; i++)
            {
                var id = random.Next(keys);
                if (!seen[id])
                {
                    seen[id] = true;
                    distinct.Add(id);
                }

                MixedKeys.Write(id, key);
                store.Put(key, values.Value(i));
                if (i % MaintenanceInterval == MaintenanceInterval - 1)
                {
                    store.Maintain();
                }
            }

            load.Stop();
            var zipf = new ZipfianGenerator(distinct.Count, ZipfianGenerator.YcsbTheta, seed);
            var reads = new LatencyHistogram();
            var updates = new LatencyHistogram();
            var (hitsBefore, missesBefore) = store.CacheCounters();
            long misses = 0, updatesDone = 0;
            var mixed = Stopwatch.StartNew();
            for (var i = 0; i < ops; i++)
            {
                var rank = zipf.Next();
                var id = distinct[(int)(MixedKeys.Scramble((ulong)rank) % (ulong)distinct.Count)];
                MixedKeys.Write(id, key);
                var start = Stopwatch.GetTimestamp();
                if (random.Next(2) == 0)
                {
                    var found = store.Get(key);
                    reads.Record(Stopwatch.GetTimestamp() - start);
                    misses += found ? 0 : 1;
                }
                else
                {
                    store.Put(key, values.Value(keys + i));
                    updates.Record(Stopwatch.GetTimestamp() - start);
                    updatesDone++;
                }

                if (i % MaintenanceInterval == MaintenanceInterval - 1)
                {
                    store.Maintain();
                }
            }

            mixed.Stop();
            store.Maintain();
            var written = ProcessIo.WriteBytes() - writtenBefore;
            var (hitsAfter, missesAfter) = store.CacheCounters();
            var directoryBytes = ProcessIo.DirectorySize(directory.Path);
            var detail = store.Describe();
            var entryBytes = (long)MixedKeys.KeySize + valueSize;
            var put = (keys + updatesDone) * entryBytes;
            var live = distinct.Count * entryBytes;
            var cacheRequests = (hitsAfter - hitsBefore) + (missesAfter - missesBefore);
            store.Dispose();
            store = null;
            return new MixedResult(family)
            {
                LoadOpsPerSecond = keys / load.Elapsed.TotalSeconds,
                MixedOpsPerSecond = ops / mixed.Elapsed.TotalSeconds,
                ReadP50Micros = reads.PercentileMicros(50),
                ReadP99Micros = reads.PercentileMicros(99),
                UpdateP99Micros = updates.PercentileMicros(99),
                BytesPut = put,
                BytesWritten = written,
                WriteAmplification = written / (double)put,
                DirectoryBytes = directoryBytes,
                LiveBytes = live,
                SpaceAmplification = directoryBytes / (double)live,
                CacheHitRate = cacheRequests == 0 ? double.NaN : (hitsAfter - hitsBefore) / (double)cacheRequests,
                ReadMisses = misses,
                Detail = detail,
                Error = misses == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{misses} reads of loaded keys found nothing"),
            };
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{family}: mixed phase failed: {ex}");
            try
            {
                store?.Dispose();
            }
            catch (Exception disposeError)
            {
                Console.Error.WriteLine($"{family}: dispose after failure also failed: {disposeError.Message}");
            }

            return new MixedResult(family) { Error = $"{ex.GetType().Name}: {ex.Message}" };
        }
    }
}
