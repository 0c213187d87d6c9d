using PairDb.Engine.Compaction;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Manifest;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>The live SSTables of the current version, level by level.</summary>
    public IReadOnlyList<TableInfo> ListTables()
    {
        var version = AcquireVersion();
        try
        {
            var tables = new List<TableInfo>();
            foreach (var level in version.Levels)
            {
                foreach (var table in level)
                {
                    tables.Add(Describe(table));
                }
            }

            return tables;
        }
        finally
        {
            version.Release();
        }
    }

    /// <summary>
    /// Takes the tables out of the engine without reading them (recovery of a corrupt file: its keys are then
    /// fetched again from replicas): one manifest edit removes them all, then the version swap; each file is deleted
    /// once the last reader lets go. Waits while a compaction holds one of them. Older versions of their keys in
    /// deeper levels become visible again, which a replica merge then supersedes.
    /// </summary>
    /// <exception cref="ArgumentException">An id names no live table (nothing is removed).</exception>
    public async Task<IReadOnlyList<TableInfo>> RemoveTablesAsync(IReadOnlyCollection<long> fileIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fileIds);
        var ids = new HashSet<long>(fileIds);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var finished = JobFinishedSignal;
            var job = ReserveForRemoval(ids);
            if (job is not null)
            {
                return InstallRemoval(job, ids);
            }

            await finished.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reserves the tables as a job with no outputs; null while some are busy.</summary>
    private CompactionJob? ReserveForRemoval(HashSet<long> ids)
    {
        lock (_compactionLock)
        {
            var version = AcquireVersion();
            try
            {
                var inputs = new List<SSTableReader>(ids.Count);
                foreach (var level in version.Levels)
                {
                    foreach (var table in level)
                    {
                        if (ids.Contains(table.FileId))
                        {
                            inputs.Add(table);
                        }
                    }
                }

                if (inputs.Count != ids.Count)
                {
                    throw new ArgumentException("no live SSTable has id " + string.Join(",", Missing(ids, inputs)), nameof(ids));
                }

                if (CompactionPicker.AnyBusy([.. inputs], _busyFiles))
                {
                    return null;
                }

                var job = new CompactionJob(inputs[0].Level, inputs[0].Level, [.. inputs], bottommost: false, "remove-tables");
                foreach (var table in inputs)
                {
                    _busyFiles.Add(table.FileId);
                }

                _runningJobs.Add(job);
                return job;
            }
            finally
            {
                version.Release();
            }
        }
    }

    private IReadOnlyList<TableInfo> InstallRemoval(CompactionJob job, HashSet<long> ids)
    {
        try
        {
            var removed = new List<TableInfo>(job.Inputs.Length);
            foreach (var table in job.Inputs)
            {
                removed.Add(Describe(table));
            }

            lock (_manifestLock)
            {
                var tables = new List<ManifestTableRecord>(_manifest.Tables.Count);
                foreach (var record in _manifest.Tables)
                {
                    if (!ids.Contains(record.FileId))
                    {
                        tables.Add(record);
                    }
                }

                var next = _manifest with { Tables = tables };
                _manifestStore.Save(next);
                _manifest = next;
            }

            InstallCompactedVersion(job, [], ids);
            EngineLog.TablesRemoved(_logger, string.Join(",", removed.ConvertAll(static t => t.FileName)));
            return removed;
        }
        finally
        {
            TaskCompletionSource signal;
            lock (_compactionLock)
            {
                _runningJobs.Remove(job);
                foreach (var table in job.Inputs)
                {
                    _busyFiles.Remove(table.FileId);
                }

                signal = _jobFinished;
                _jobFinished = NewSignal();
            }

            signal.TrySetResult();
        }
    }

    private static IEnumerable<long> Missing(HashSet<long> ids, List<SSTableReader> found)
    {
        foreach (var id in ids)
        {
            if (!found.Exists(t => t.FileId == id))
            {
                yield return id;
            }
        }
    }

    private static TableInfo Describe(SSTableReader table) =>
        new(table.Level, table.FileId, Path.GetFileName(table.Path), table.Path, table.Properties.SmallestKey, table.Properties.LargestKey, table.FileSize);
}

/// <summary>One live SSTable: its level, id, file (<c>sstable-{id}.sst</c>), inclusive key range and size.</summary>
public sealed record TableInfo(int Level, long FileId, string FileName, string FilePath, byte[] SmallestKey, byte[] LargestKey, long SizeBytes);
