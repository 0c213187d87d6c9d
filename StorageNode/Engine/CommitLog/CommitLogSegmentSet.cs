namespace PairDb.Engine.CommitLog;

/// <summary>
/// The segment files on disk in id order. Segment i holds sequence numbers [First_i, First_{i+1}); the newest
/// segment is open for writes and never cleanable.
/// </summary>
internal sealed class CommitLogSegmentSet
{
    private readonly object _lock = new();
    private readonly List<Segment> _segments = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count;
            }
        }
    }

    public void Add(long segmentId, string path, long firstSequence)
    {
        lock (_lock)
        {
            _segments.Add(new Segment(segmentId, path, firstSequence));
            _segments.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        }
    }

    /// <summary>Segments whose every sequence number is at or below <paramref name="flushedSequence"/>.</summary>
    public List<CommitLogSegmentInfo> ListCleanable(long flushedSequence)
    {
        var result = new List<CommitLogSegmentInfo>();
        lock (_lock)
        {
            for (var i = 0; i < _segments.Count - 1; i++)
            {
                var lastSequence = _segments[i + 1].FirstSequence - 1;
                if (lastSequence > flushedSequence)
                {
                    break;
                }

                var s = _segments[i];
                result.Add(new CommitLogSegmentInfo(s.Id, s.Path, SizeOf(s.Path), s.FirstSequence, lastSequence));
            }
        }

        return result;
    }

    /// <summary>Every segment, the open one included, oldest first.</summary>
    public List<(long Id, string Path)> ListAll()
    {
        lock (_lock)
        {
            return _segments.ConvertAll(static s => (s.Id, s.Path));
        }
    }

    public void Remove(long segmentId)
    {
        lock (_lock)
        {
            _segments.RemoveAll(s => s.Id == segmentId);
        }
    }

    private static long SizeOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    private readonly record struct Segment(long Id, string Path, long FirstSequence);
}
