using PairDb.Engine.Compaction;
using PairDb.Engine.Manifest;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    private long AllocateFileId()
    {
        lock (_manifestLock)
        {
            var fileId = _manifest.NextFileId;
            _manifest = _manifest with { NextFileId = fileId + 1 };
            return fileId;
        }
    }

    /// <summary>
    /// Makes the outputs live: new manifest durable first, then the version swap, and only then are the inputs marked
    /// obsolete (deleted when the last reader lets go). A failure before the manifest replace deletes the outputs; a
    /// failure inside it leaves both sets on disk (whichever manifest survived names one set, the other is an orphan
    /// removed at the next open) and the engine keeps serving the inputs.
    /// </summary>
    private long InstallCompaction(CompactionJob job, CompactionRunner runner)
    {
        var outputs = runner.Outputs;
        var readers = new List<SSTableReader>(outputs.Count);
        long outputBytes = 0;
        try
        {
            foreach (var output in outputs)
            {
                readers.Add(SSTableReader.Open(output.Path, job.OutputLevel, output.FileId, _counters, _logger, _blockCache));
                outputBytes += output.Size;
            }
        }
        catch
        {
            readers.ForEach(static r => r.Release());
            runner.DeleteOutputs();
            throw;
        }

        try
        {
            var inputIds = new HashSet<long>();
            foreach (var table in job.Inputs)
            {
                inputIds.Add(table.FileId);
            }

            lock (_manifestLock)
            {
                var tables = new List<ManifestTableRecord>(_manifest.Tables.Count + outputs.Count);
                foreach (var record in _manifest.Tables)
                {
                    if (!inputIds.Contains(record.FileId))
                    {
                        tables.Add(record);
                    }
                }

                foreach (var output in outputs)
                {
                    tables.Add(new ManifestTableRecord(job.OutputLevel, output.FileId, output.Size));
                }

                var next = _manifest with { Tables = tables };
                _manifestStore.Save(next);
                _manifest = next;
            }

            InstallCompactedVersion(job, readers, inputIds);
        }
        finally
        {
            readers.ForEach(static r => r.Release()); // the version took its own references
        }

        return outputBytes;
    }

    private void InstallCompactedVersion(CompactionJob job, List<SSTableReader> outputs, HashSet<long> inputIds)
    {
        lock (_versionLock)
        {
            var old = _current;
            var levels = new SSTableReader[old.Levels.Length][];
            for (var level = 0; level < levels.Length; level++)
            {
                var kept = new List<SSTableReader>(old.Levels[level].Length + outputs.Count);
                foreach (var table in old.Levels[level])
                {
                    if (!inputIds.Contains(table.FileId))
                    {
                        kept.Add(table);
                    }
                }

                if (level == job.OutputLevel)
                {
                    kept.AddRange(outputs);
                    kept.Sort(static (a, b) => a.Properties.SmallestKey.AsSpan().SequenceCompareTo(b.Properties.SmallestKey));
                }

                levels[level] = [.. kept];
            }

            _current = new Core.EngineVersion(old.Active, old.Immutables, levels);

            // Before the old version lets go, so whichever holder releases an input last also deletes it.
            foreach (var table in job.Inputs)
            {
                table.MarkObsolete(_fileSystem);
            }

            old.Release();
        }
    }
}
