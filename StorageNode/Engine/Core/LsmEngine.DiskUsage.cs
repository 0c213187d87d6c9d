using PairDb.Engine.Compaction;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>Bytes by component, measured from the files on disk now.</summary>
    public DiskUsage GetDiskUsage()
    {
        var version = AcquireVersion();
        try
        {
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var level in version.Levels)
            {
                foreach (var table in level)
                {
                    live.Add(Path.GetFullPath(table.Path));
                }
            }

            var levels = new long[version.Levels.Length];
            long temp = 0;
            for (var level = 0; level < levels.Length; level++)
            {
                foreach (var file in _fileSystem.ListFiles(SSTablePaths.LevelDirectory(_options.DataDirectory, level), "*"))
                {
                    var length = LengthOf(file);
                    if (live.Contains(Path.GetFullPath(file)))
                    {
                        levels[level] += length;
                    }
                    else
                    {
                        temp += length;
                    }
                }
            }

            long log = 0;
            foreach (var file in _fileSystem.ListFiles(Path.Combine(_options.DataDirectory, CommitLog.CommitLogPaths.DirectoryName), "*"))
            {
                log += LengthOf(file);
            }

            return new DiskUsage
            {
                CommitLogBytes = log,
                LevelBytes = levels,
                TempBytes = temp + LengthOf(_manifestStore.FilePath + ".tmp"),
                ManifestBytes = LengthOf(_manifestStore.FilePath),
            };
        }
        finally
        {
            version.Release();
        }
    }

    /// <summary>
    /// Removes every entry with start &lt;= key &lt; end (null bounds are open) written before the call — the post-move
    /// cleanup once another node owns the range. Flushes the memtables, then rewrites each level's overlapping tables
    /// without the range (tables entirely inside it are simply dropped from the manifest). Writes into the range during
    /// the call may survive. Returns the jobs run.
    /// </summary>
    public async Task<CompactionResult> DropRangeAsync(byte[]? startInclusive, byte[]? endExclusive, CancellationToken ct = default)
    {
        var range = new KeyRange(startInclusive, endExclusive);
        await Task.Run(Flush, ct).ConfigureAwait(false);
        var jobs = new List<CompactionJobResult>();
        for (var level = 0; level < CompactionPicker.LastLevel + 1; level++)
        {
            var at = level;
            var result = await Compaction.RunJobsAsync((e, levels, busy) => PickDrop(levels, busy, at, range), repeat: false, parallelism: 1, ct).ConfigureAwait(false);
            jobs.AddRange(result.Jobs);
        }

        EngineLog.RangeDropped(_logger, Convert.ToHexString(startInclusive ?? []), Convert.ToHexString(endExclusive ?? []), jobs.Count, 0);
        return new CompactionResult(jobs);
    }

    private CompactionJob? PickDrop(SSTableReader[][] levels, HashSet<long> busy, int level, KeyRange range)
    {
        var overlapping = new List<SSTableReader>();
        foreach (var table in levels[level])
        {
            if (range.Overlaps(table.Properties.SmallestKey, table.Properties.LargestKey))
            {
                overlapping.Add(table);
            }
        }

        if (overlapping.Count == 0)
        {
            return null;
        }

        CompactionJob? job;
        if (level == 0)
        {
            // L0 tables overlap one another, so they leave together (into L1) rather than being rewritten out of order.
            job = CompactionController.PickLevel0(this, levels, busy, "drop-range");
            return job is null ? null : new CompactionJob(0, job.OutputLevel, job.Inputs, job.Bottommost, "drop-range") { DropRange = range };
        }

        SSTableReader[] inputs = [.. overlapping];
        if (CompactionPicker.AnyBusy(inputs, busy))
        {
            return null;
        }

        CompactionPicker.Bounds(inputs, out var smallest, out var largest);
        return new CompactionJob(level, level, inputs, CompactionPicker.IsBottommost(levels, level, smallest, largest), "drop-range") { DropRange = range };
    }

    private static long LengthOf(string path)
    {
        try
        {
            return new FileInfo(path).Exists ? new FileInfo(path).Length : 0;
        }
        catch (IOException)
        {
            return 0; // deleted while we looked
        }
    }
}
