using System.Diagnostics;
using PairDb.Engine.CommitLog;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Manifest;
using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>
    /// Open sequence: load the manifest (or refuse: <see cref="ManifestRecovery"/>), map its tables, delete the table
    /// files it proves unneeded (<see cref="OrphanRule"/>), replay commit-log records newer than the flushed
    /// sequence into memtables, then start a fresh log segment.
    /// </summary>
    private void Recover()
    {
        var dataDirectory = _options.DataDirectory;
        var logDirectory = Path.Combine(dataDirectory, CommitLogPaths.DirectoryName);
        _fileSystem.CreateDirectory(dataDirectory);
        _fileSystem.CreateDirectory(logDirectory);
        for (var level = 0; level < SSTablePaths.MaxLevels; level++)
        {
            _fileSystem.CreateDirectory(SSTablePaths.LevelDirectory(dataDirectory, level));
        }

        _manifest = LoadManifest();
        var levels = OpenTables(out var lastSequence);
        RemoveOrphans();
        _nextMemTableId = 1;
        _current = new Core.EngineVersion(new SkipListMemTable(_nextMemTableId, _options.MemtableSizeBytes), [], levels);
        foreach (var level in levels)
        {
            foreach (var table in level)
            {
                table.Release(); // the version holds them now
            }
        }

        StartFlusher();
        var started = Stopwatch.GetTimestamp();
        var flushed = _manifest.FlushedSequence;
        long entries = 0;
        var recovery = new CommitLogRecovery(_fileSystem, logDirectory, _counters, _logger);
        var result = recovery.Recover(_segments, (firstSequence, payload) =>
        {
            if (firstSequence <= flushed)
            {
                return;
            }

            var count = ApplyToMemTable(_current.Active, firstSequence, payload);
            if (count < 0)
            {
                Interlocked.Increment(ref _counters.CorruptedEntriesTotal);
                NeedsRepair = true;
                return;
            }

            entries += count;
            lastSequence = Math.Max(lastSequence, firstSequence + count - 1);
            if (_current.Active.ApproximateBytes >= _options.MemtableSizeBytes)
            {
                RotateMemTable();
            }
        });

        Interlocked.Add(ref _counters.CommitLogRecordsReplayed, result.Records);
        NeedsRepair |= result.NeedsRepair;
        lastSequence = Math.Max(lastSequence, flushed);
        _lastSequence = lastSequence;
        _visibleSequence = lastSequence;
        EngineLog.CommitLogReplayed(_logger, result.Segments, result.Records, entries, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, NeedsRepair);
        _log = NewLogWriter(result.MaxSegmentId + 1, lastSequence + 1);
        ScheduleCompactions();
        EngineLog.EngineOpened(_logger, dataDirectory, _options.Durability, _options.MemtableSizeBytes, _options.MaxImmutableMemtables, _options.CommitLogSegmentBytes, _options.BlockSizeBytes, _options.BloomBitsPerKey, (long)_options.PeriodicSyncInterval.TotalMilliseconds, _current.TableCount, lastSequence);
    }

    private SSTableReader[][] OpenTables(out long lastSequence)
    {
        lastSequence = 0;
        var perLevel = new List<SSTableReader>[SSTablePaths.MaxLevels];
        for (var i = 0; i < perLevel.Length; i++)
        {
            perLevel[i] = [];
        }

        try
        {
            foreach (var record in _manifest.Tables)
            {
                if (record.Level >= SSTablePaths.MaxLevels)
                {
                    throw new CorruptFileException(_manifestStore.FilePath, 0, $"table {record.FileId} at unsupported level {record.Level}");
                }

                var table = SSTableReader.Open(SSTablePaths.TablePath(_options.DataDirectory, record.Level, record.FileId), record.Level, record.FileId, _counters, _logger, _blockCache);
                perLevel[record.Level].Add(table);
                lastSequence = Math.Max(lastSequence, table.Properties.MaxSequence);
            }
        }
        catch
        {
            foreach (var list in perLevel)
            {
                list.ForEach(t => t.Release());
            }

            throw;
        }

        // L0 tables overlap: newest (highest id) first. Deeper levels are disjoint: by smallest key.
        perLevel[0].Sort(static (a, b) => b.FileId.CompareTo(a.FileId));
        for (var level = 1; level < perLevel.Length; level++)
        {
            perLevel[level].Sort(static (a, b) => a.Properties.SmallestKey.AsSpan().SequenceCompareTo(b.Properties.SmallestKey));
        }

        var levels = new SSTableReader[perLevel.Length][];
        for (var i = 0; i < perLevel.Length; i++)
        {
            levels[i] = [.. perLevel[i]];
        }

        return levels;
    }

    private ManifestState LoadManifest()
    {
        try
        {
            return ManifestRecovery.LoadOrRefuse(_fileSystem, _manifestStore, _options.DataDirectory);
        }
        catch (ManifestUnavailableException refusal) when (_options.QuarantineUnaccountedFiles)
        {
            Quarantined = Manifest.Quarantine.Run(_fileSystem, _options.DataDirectory, refusal, _options.TimeProvider, _logger);
            _manifestStore.Save(ManifestState.Empty); // the quarantined directory is fresh from here on
            return ManifestState.Empty;
        }
    }

    private void RemoveOrphans()
    {
        var liveLevels = new Dictionary<long, int>(_manifest.Tables.Count);
        foreach (var record in _manifest.Tables)
        {
            liveLevels[record.FileId] = record.Level;
        }

        var synced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in TableFiles.List(_fileSystem, _options.DataDirectory))
        {
            switch (OrphanRule.Classify(file, _manifest.NextFileId, liveLevels))
            {
                case TableFileVerdict.UnfinishedOutput:
                case TableFileVerdict.Dropped:
                    _fileSystem.Delete(file.Path);
                    Interlocked.Increment(ref _counters.OrphanFilesDeleted);
                    EngineLog.OrphanRemoved(_logger, file.Path);
                    synced.Add(Path.GetDirectoryName(file.Path)!);
                    break;
                case TableFileVerdict.Unexplained:
                    EngineLog.OrphanKept(_logger, file.Path, file.FileId is null
                        ? "not a name the engine writes"
                        : $"the manifest names table {file.FileId} at level {liveLevels[file.FileId.Value]}");
                    break;
            }
        }

        foreach (var directory in synced)
        {
            _fileSystem.SyncDirectory(directory);
        }
    }
}
