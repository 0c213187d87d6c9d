using PairDb.Engine.Format;
using PairDb.Engine.IO;
using PairDb.Engine.Read;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Compaction;

/// <summary>
/// Merges a job's inputs into new tables of the output level. Per key, versions arrive newest first; the first
/// version of each snapshot stripe is kept, the rest are shadowed. An expired value becomes a tombstone (it must
/// still hide older versions below); the oldest kept versions, if they are tombstones, vanish at the bottom of the
/// tree once past the grace period (expired values at once, since every replica expires them alike).
/// Outputs are cut at the target file size on key boundaries, so tables of one level stay disjoint.
/// </summary>
internal sealed class CompactionRunner(
    IStorageFileSystem fileSystem,
    LsmEngineOptions options,
    Func<long> allocateFileId,
    CompactionRateLimiter limiter,
    GarbagePolicy policy,
    CancellationToken ct)
{
    private const long ThrottleChunkBytes = 256 << 10;

    private readonly List<Kept> _kept = [];
    private readonly List<CompactionOutput> _outputs = [];
    private byte[] _arena = new byte[64 << 10];
    private int _arenaLength;
    private SSTableWriter? _writer;
    private CompactionOutput _current;
    private long _unthrottled;
    private int _keyLength;

    public IReadOnlyList<CompactionOutput> Outputs => _outputs;

    /// <summary>Writes every output (fsync'ed, directory fsync'ed). On failure deletes what it wrote and rethrows.</summary>
    public void Run(CompactionJob job)
    {
        try
        {
            var merge = new MergingIterator(Children(job));
            merge.Seek([]);
            while (merge.Valid)
            {
                ct.ThrowIfCancellationRequested();
                CollectKey(merge, job);
                Emit(job);
            }

            FinishOutput();
            if (_outputs.Count > 0)
            {
                fileSystem.SyncDirectory(SSTablePaths.LevelDirectory(options.DataDirectory, job.OutputLevel));
            }
        }
        catch
        {
            DeleteOutputs();
            throw;
        }
    }

    /// <summary>
    /// One child per L0 table (they overlap), one per deeper level (a sorted run). Newer sources first: L0 is newest
    /// first already and shallower levels are newer than deeper ones. A table wholly inside a dropped range is left out:
    /// it is removed without being read.
    /// </summary>
    private static IInternalIterator[] Children(CompactionJob job)
    {
        void Count(int bytes) => Interlocked.Add(ref job.BytesRead, bytes);
        var children = new List<IInternalIterator>();
        var byLevel = new SortedDictionary<int, List<SSTableReader>>();
        foreach (var table in job.Inputs)
        {
            if (job.DropRange is { } range && range.Covers(table.Properties.SmallestKey, table.Properties.LargestKey))
            {
                continue;
            }

            if (table.Level == 0)
            {
                children.Add(new SSTableIterator(table, fillCache: false, onBlock: Count));
            }
            else
            {
                if (!byLevel.TryGetValue(table.Level, out var list))
                {
                    byLevel[table.Level] = list = [];
                }

                list.Add(table);
            }
        }

        foreach (var (_, tables) in byLevel)
        {
            tables.Sort(static (a, b) => a.Properties.SmallestKey.AsSpan().SequenceCompareTo(b.Properties.SmallestKey));
            children.Add(new LevelIterator([.. tables], Count));
        }

        return [.. children];
    }

    /// <summary>Removes outputs a failed install left behind (best effort: at the next open they are orphans anyway).</summary>
    public void DeleteOutputs()
    {
        _writer?.Dispose();
        _writer = null;
        foreach (var output in _outputs)
        {
            try
            {
                fileSystem.Delete(output.Path);
            }
            catch (IOException)
            {
                // Left for orphan removal at the next open.
            }
        }
    }

    private void CollectKey(MergingIterator merge, CompactionJob job)
    {
        _kept.Clear();
        _arenaLength = 0;
        var keyStart = Append(merge.Key);
        var keyLength = merge.Key.Length;
        var drop = (job.DropRange is { } range && range.Contains(merge.Key)) || (job.DropPredicate is { } predicate && predicate(merge.Key));
        if (drop && merge.Kind != EntryKind.Tombstone)
        {
            job.KeysDropped++;
        }

        var lastStripe = -1;
        do
        {
            if (!drop)
            {
                var stripe = policy.Stripe(merge.Sequence);
                if (stripe != lastStripe)
                {
                    lastStripe = stripe;
                    var kind = merge.Kind;
                    var expired = kind == EntryKind.ExpiringValue && merge.ExpiresAtUnixMs <= policy.NowUnixMs;
                    var valueStart = _arenaLength;
                    var valueLength = 0;
                    if (expired)
                    {
                        kind = EntryKind.Tombstone;
                    }
                    else
                    {
                        Append(merge.Value);
                        valueLength = merge.Value.Length;
                    }

                    _kept.Add(new Kept(merge.Sequence, kind, merge.ExpiresAtUnixMs, valueStart, valueLength, expired));
                }
            }

            merge.Next();
        }
        while (merge.Valid && merge.Key.SequenceEqual(_arena.AsSpan(keyStart, keyLength)));

        if (job.Bottommost)
        {
            // Only the oldest kept versions may go: a tombstone with older kept versions under it still hides them.
            while (_kept.Count > 0 && _kept[^1].Kind == EntryKind.Tombstone && (_kept[^1].Expired || policy.TombstoneExpired(_kept[^1].Sequence)))
            {
                _kept.RemoveAt(_kept.Count - 1);
            }
        }

        _keyLength = keyLength;
    }

    private void Emit(CompactionJob job)
    {
        if (_kept.Count == 0)
        {
            return;
        }

        var writer = _writer ??= StartOutput(job);
        var key = _arena.AsSpan(0, _keyLength);
        long bytes = 0;
        foreach (var version in _kept)
        {
            var value = _arena.AsSpan(version.ValueStart, version.ValueLength);
            var expires = version.Kind == EntryKind.ExpiringValue ? version.ExpiresAtUnixMs : 0;
            writer.Add(key, version.Sequence, version.Kind, expires, value);
            bytes += DataBlockEntry.SizeOf(key.Length, value.Length, version.Kind);
        }

        Interlocked.Add(ref job.BytesWritten, bytes);
        _unthrottled += bytes;
        if (_unthrottled >= ThrottleChunkBytes)
        {
            limiter.Consume(_unthrottled, ct);
            _unthrottled = 0;
        }

        if (writer.EstimatedSize >= options.Compaction.TargetFileSizeBytes)
        {
            FinishOutput();
        }
    }

    private SSTableWriter StartOutput(CompactionJob job)
    {
        var fileId = allocateFileId();
        var path = SSTablePaths.TablePath(options.DataDirectory, job.OutputLevel, fileId);
        _current = new CompactionOutput(fileId, path, 0);
        return new SSTableWriter(fileSystem, path, options.BlockSizeBytes, options.BloomBitsPerKey);
    }

    private void FinishOutput()
    {
        if (_writer is null)
        {
            return;
        }

        var size = _writer.Finish();
        _writer.Dispose();
        _writer = null;
        _outputs.Add(_current with { Size = size });
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        if (_arenaLength + bytes.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + bytes.Length));
        }

        var start = _arenaLength;
        bytes.CopyTo(_arena.AsSpan(start));
        _arenaLength += bytes.Length;
        return start;
    }

    private readonly record struct Kept(long Sequence, EntryKind Kind, long ExpiresAtUnixMs, int ValueStart, int ValueLength, bool Expired);
}

/// <summary>A finished compaction output file.</summary>
internal readonly record struct CompactionOutput(long FileId, string Path, long Size);
