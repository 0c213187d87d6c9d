namespace PairDb.Engine;

/// <summary>Bytes on disk by component, for the storage node's disk manager and <c>/health</c>.</summary>
public sealed record DiskUsage
{
    /// <summary>Commit log segments (preallocated size included: it is reserved on disk).</summary>
    public long CommitLogBytes { get; init; }

    /// <summary>Live tables per level, index = level.</summary>
    public IReadOnlyList<long> LevelBytes { get; init; } = [];

    /// <summary>Table files not (or no longer) live: outputs being written, inputs awaiting their last reader; and <c>MANIFEST.tmp</c>.</summary>
    public long TempBytes { get; init; }

    public long ManifestBytes { get; init; }

    public long SSTableBytes
    {
        get
        {
            long total = 0;
            foreach (var level in LevelBytes)
            {
                total += level;
            }

            return total;
        }
    }

    public long TotalBytes => CommitLogBytes + SSTableBytes + TempBytes + ManifestBytes;
}
