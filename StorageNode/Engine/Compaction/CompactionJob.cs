using PairDb.Engine.SSTable;

namespace PairDb.Engine.Compaction;

/// <summary>
/// One compaction: the input tables (from <see cref="SourceLevel"/> and the overlapping ones of
/// <see cref="OutputLevel"/>), where the merged result goes, and whether nothing older than the inputs can exist
/// below the output (only then may tombstones and expired values vanish instead of shadowing older data).
/// </summary>
internal sealed class CompactionJob
{
    public CompactionJob(int sourceLevel, int outputLevel, SSTableReader[] inputs, bool bottommost, string reason)
    {
        SourceLevel = sourceLevel;
        OutputLevel = outputLevel;
        Inputs = inputs;
        Bottommost = bottommost;
        Reason = reason;
        foreach (var table in inputs)
        {
            InputBytes += table.FileSize;
        }
    }

    public int SourceLevel { get; }

    public int OutputLevel { get; }

    /// <summary>Newest first: L0 tables by recency, then the source level, then the output level.</summary>
    public SSTableReader[] Inputs { get; }

    public bool Bottommost { get; }

    public string Reason { get; }

    public long InputBytes { get; }

    /// <summary>Keys in [start, end) are dropped entirely (post-move cleanup); null means none.</summary>
    public KeyRange? DropRange { get; init; }

    /// <summary>Keys it matches are dropped entirely, every version (predicate-driven cleanup); null means none.</summary>
    public KeyPredicate? DropPredicate { get; init; }

    /// <summary>Live keys (newest version not a tombstone) the drop removed.</summary>
    public long KeysDropped;

    /// <summary>Input bytes consumed so far (by data block), for progress.</summary>
    public long BytesRead;

    public long BytesWritten;

    public string LevelLabel => $"L{SourceLevel}->L{OutputLevel}";
}

/// <summary>A half-open key range [Start, End); a null bound is open.</summary>
internal sealed record KeyRange(byte[]? Start, byte[]? End)
{
    public bool Contains(ReadOnlySpan<byte> key) =>
        (Start is null || key.SequenceCompareTo(Start) >= 0) && (End is null || key.SequenceCompareTo(End) < 0);

    /// <summary>True when the inclusive key range [smallest, largest] intersects this range.</summary>
    public bool Overlaps(byte[] smallest, byte[] largest) =>
        (End is null || smallest.AsSpan().SequenceCompareTo(End) < 0) && (Start is null || largest.AsSpan().SequenceCompareTo(Start) >= 0);

    /// <summary>True when the inclusive key range [smallest, largest] lies inside this range.</summary>
    public bool Covers(byte[] smallest, byte[] largest) =>
        (Start is null || smallest.AsSpan().SequenceCompareTo(Start) >= 0) && (End is null || largest.AsSpan().SequenceCompareTo(End) < 0);
}
