namespace PairDb.Engine.Manifest;

/// <summary>What recovery does with a table file it finds on disk.</summary>
internal enum TableFileVerdict
{
    /// <summary>Named by the manifest at this level: opened.</summary>
    Live,

    /// <summary>Id at or above the durable next-file number: written after the last manifest replace. Deleted.</summary>
    UnfinishedOutput,

    /// <summary>Id the durable manifest had already allocated, not live in it. Deleted.</summary>
    Dropped,

    /// <summary>Fits no rule (a name the engine never writes, or a live id in another level's folder). Kept, with a warning.</summary>
    Unexplained,
}

/// <summary>
/// Which files on disk an intact manifest proves unneeded. Only ever applied after the manifest was read and its CRC
/// checked: without that, nothing is provable and the engine refuses to open instead (<see cref="ManifestUnavailableException"/>).
/// <para>
/// Ids come from the manifest's next-file number, handed out in memory and made durable with the next manifest
/// replace; ids are never reused and a table never moves to another level (compaction writes new ids).
/// </para>
/// <list type="bullet">
/// <item><b>id ≥ next-file number</b> (RocksDB's rule): allocated after the last durable manifest, so no manifest
/// ever named it: the output of a flush or compaction that did not reach its manifest replace.</item>
/// <item><b>id &lt; next-file number, not live</b>: allocated before the last durable manifest and absent from it. The
/// manifest is a snapshot of live tables, not a log of edits, so it cannot tell an obsolete compaction input (dropped
/// by the install, deleted lazily when its last reader let go, and the crash came first) from an output whose id was
/// made durable by another job's replace but whose own install never happened. Neither is needed: every live table
/// is named, and every write above the flushed sequence is replayed from the commit log.</item>
/// </list>
/// Anything else is kept and reported: deleting is only for what the manifest accounts for.
/// </summary>
internal static class OrphanRule
{
    public static TableFileVerdict Classify(TableFile file, long nextFileId, IReadOnlyDictionary<long, int> liveLevels)
    {
        if (file.FileId is not { } id)
        {
            return TableFileVerdict.Unexplained;
        }

        if (liveLevels.TryGetValue(id, out var level))
        {
            return level == file.Level ? TableFileVerdict.Live : TableFileVerdict.Unexplained;
        }

        return id >= nextFileId ? TableFileVerdict.UnfinishedOutput : TableFileVerdict.Dropped;
    }
}
