using PairDb.Coordinator.LocalState;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>
/// The local durable hint spool (<c>StateDirectory/hint-spool/</c>): hints PostgreSQL could not take within the
/// store budget. Append-only segment files of CRC'd records (<see cref="SpoolRecord"/>); a batch is fsync'ed once
/// before its callers are answered. A hint leaves the spool by a done mark (appended, fsync'ed) once it is in
/// <c>hints</c> or delivered; the index of live hints is in memory (locations only, payloads stay on disk).
/// <para>
/// Segments are deleted oldest first, once every hint in them is done. Oldest first keeps the done marks honest:
/// a mark is always written after its hint, so it lies in the hint's segment or a later one, and deleting a prefix
/// of segments never drops a mark whose hint survives (which would bring that hint back on the next start).
/// </para>
/// One lock guards everything (files and index); appends, marks and reads are short and rare (outages only).
/// </summary>
public sealed partial class HintSpool : IDisposable
{
    public const string DirectoryName = "hint-spool";

    /// <summary>A segment is closed for appends past this size, so done segments can be deleted while others fill.</summary>
    public const long SegmentBytes = 64L * 1024 * 1024;

    private const string Extension = ".hints";

    private readonly object _lock = new();
    private readonly string _directory;
    private readonly HintSpoolMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SortedDictionary<long, Segment> _segments = [];
    private readonly Dictionary<Guid, Entry> _live = [];
    private readonly SortedDictionary<long, Entry> _byOrdinal = [];
    private readonly Dictionary<string, long> _byTarget = new(StringComparer.Ordinal);
    private FileStream? _active;
    private long _activeSequence;
    private long _nextSequence = 1;
    private long _nextOrdinal;
    private long _bytes;

    public HintSpool(string directory, long capacityBytes, HintSpoolMetrics metrics, ILogger<HintSpool> logger)
    {
        _directory = directory;
        CapacityBytes = capacityBytes;
        _metrics = metrics;
        _logger = logger;
        Directory.CreateDirectory(directory);
        Recover();
    }

    public long CapacityBytes { get; }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    public IReadOnlyDictionary<string, long> CountsByTarget()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_byTarget, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Appends the hints in order while they fit the capacity and fsyncs once; returns how many were taken (a
    /// prefix of <paramref name="hints"/>): the rest were refused because the spool is full.
    /// </summary>
    public int Append(IReadOnlyList<SpooledHint> hints)
    {
        lock (_lock)
        {
            var records = new List<byte[]>(hints.Count);
            var bytes = 0L;
            foreach (var hint in hints)
            {
                var record = SpoolRecord.Hint(hint);
                if (_bytes + bytes + record.Length > CapacityBytes)
                {
                    break;
                }
                records.Add(record);
                bytes += record.Length;
            }
            if (records.Count == 0)
            {
                return 0;
            }
            var file = ActiveFile();
            var offset = file.Length;
            foreach (var record in records)
            {
                file.Write(record);
            }
            file.Flush(flushToDisk: true);
            var segment = _segments[_activeSequence];
            for (var i = 0; i < records.Count; i++)
            {
                Index(hints[i], segment, offset, records[i].Length);
                offset += records[i].Length;
            }
            Grew(segment, bytes);
            _metrics.Spooled(records.Count);
            return records.Count;
        }
    }

    /// <summary>
    /// The oldest live hints, in arrival order, of <paramref name="target"/> (or of any target when null): at most
    /// <paramref name="max"/>, and no more once <paramref name="maxBytes"/> of keys and payloads are taken (the first always goes).
    /// </summary>
    public List<SpooledHint> Oldest(int max, long maxBytes, string? target = null)
    {
        lock (_lock)
        {
            var hints = new List<SpooledHint>();
            var bytes = 0L;
            foreach (var entry in _byOrdinal.Values)
            {
                if (hints.Count >= max || (hints.Count > 0 && bytes >= maxBytes))
                {
                    break;
                }
                if (target is null || string.Equals(entry.Target, target, StringComparison.Ordinal))
                {
                    var hint = Read(entry);
                    hints.Add(hint);
                    bytes += hint.Key.Length + hint.Payload.Length;
                }
            }
            return hints;
        }
    }

    /// <summary>
    /// Records that these hints are in <c>hints</c> or delivered (fsync'ed), forgets them and deletes the segments
    /// that hold nothing live any more. Unknown uids (already done) are ignored.
    /// </summary>
    public void MarkDone(IReadOnlyCollection<Guid> uids)
    {
        lock (_lock)
        {
            var done = new List<Guid>(uids.Count);
            foreach (var uid in uids)
            {
                if (_live.ContainsKey(uid))
                {
                    done.Add(uid);
                }
            }
            if (done.Count == 0)
            {
                return;
            }
            if (done.Count < _live.Count)
            {
                // Marks are needed only while some hint stays live; when the spool empties, all of it is deleted instead.
                var file = ActiveFile();
                var written = 0L;
                foreach (var uid in done)
                {
                    var record = SpoolRecord.Done(uid);
                    file.Write(record);
                    written += record.Length;
                }
                file.Flush(flushToDisk: true);
                Grew(_segments[_activeSequence], written);
            }
            foreach (var uid in done)
            {
                Forget(uid);
            }
            DeleteDoneSegments();
            _metrics.Level(_live.Count, _bytes);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _active?.Dispose();
            _active = null;
        }
    }

    private FileStream ActiveFile()
    {
        if (_active is not null && _active.Length < SegmentBytes)
        {
            return _active;
        }
        _active?.Dispose();
        _activeSequence = _nextSequence++;
        var path = PathOf(_activeSequence);
        _active = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1);
        _segments[_activeSequence] = new Segment(_activeSequence, path);
        DirectorySync.Sync(_directory);
        return _active;
    }

    private SpooledHint Read(Entry entry)
    {
        using var file = new FileStream(_segments[entry.Segment].Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var record = new byte[entry.Length];
        file.Position = entry.Offset;
        file.ReadExactly(record);
        return SpoolRecord.ParseHint(record.AsSpan(SpoolRecord.HeaderSize))
            ?? throw new InvalidDataException($"hint spool record unreadable file={_segments[entry.Segment].Path} offset={entry.Offset}");
    }

    private void Index(SpooledHint hint, Segment segment, long offset, int length) =>
        Index(hint.Uid, hint.TargetNodeId, segment, offset, length);

    private void Index(Guid uid, string target, Segment segment, long offset, int length)
    {
        var entry = new Entry(uid, target, segment.Sequence, offset, length, _nextOrdinal++);
        if (!_live.TryAdd(uid, entry))
        {
            return;
        }
        _byOrdinal.Add(entry.Ordinal, entry);
        _byTarget[target] = _byTarget.GetValueOrDefault(target) + 1;
        segment.Live++;
    }

    private void Forget(Guid uid)
    {
        if (!_live.Remove(uid, out var entry))
        {
            return;
        }
        _byOrdinal.Remove(entry.Ordinal);
        var left = _byTarget[entry.Target] - 1;
        if (left == 0)
        {
            _byTarget.Remove(entry.Target);
        }
        else
        {
            _byTarget[entry.Target] = left;
        }
        _segments[entry.Segment].Live--;
    }

    private void Grew(Segment segment, long bytes)
    {
        segment.Bytes += bytes;
        Interlocked.Add(ref _bytes, bytes);
        _metrics.Level(_live.Count, _bytes);
    }

    /// <summary>Deletes the oldest segments while nothing in them is live; everything when nothing is live at all.</summary>
    private void DeleteDoneSegments()
    {
        if (_live.Count == 0)
        {
            _active?.Dispose();
            _active = null;
        }
        while (_segments.Count > 0)
        {
            var (sequence, segment) = _segments.First();
            if (segment.Live > 0 || (sequence == _activeSequence && _active is not null))
            {
                break;
            }
            File.Delete(segment.Path);
            _segments.Remove(sequence);
            Interlocked.Add(ref _bytes, -segment.Bytes);
        }
    }

    private string PathOf(long sequence) => Path.Combine(_directory, sequence.ToString("D16", System.Globalization.CultureInfo.InvariantCulture) + Extension);

    private sealed record Entry(Guid Uid, string Target, long Segment, long Offset, int Length, long Ordinal);

    private sealed class Segment(long sequence, string path)
    {
        public long Sequence { get; } = sequence;

        public string Path { get; } = path;

        public long Bytes { get; set; }

        public long Live { get; set; }
    }
}
