using PairDb.Engine.Compaction;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>
    /// Removes every version of every key <paramref name="predicate"/> selects, written before the call, without
    /// leaving tombstones (post-move cleanup of ring ranges, or everything). Flushes the memtables so nothing there
    /// escapes, then rewrites every table of every level in one full compaction whose install swaps all of them at
    /// once: no crash or reader can ever see an older version of a dropped key that a newer one used to hide (as a
    /// level-by-level drop could while the lower levels still held it). Writes during the call may survive.
    /// The predicate runs on compaction_pool, once per distinct key.
    /// </summary>
    public async Task<KeyDropResult> DropKeysAsync(KeyPredicate predicate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        await Task.Run(Flush, ct).ConfigureAwait(false);
        var result = await Compaction.RunJobsAsync(
            (e, levels, busy) => CompactionController.PickEverything(e, levels, busy, "drop-keys") is { } all
                ? new CompactionJob(all.SourceLevel, all.OutputLevel, all.Inputs, all.Bottommost, all.Reason) { DropPredicate = predicate }
                : null,
            repeat: false,
            parallelism: 1,
            ct).ConfigureAwait(false);
        long keys = 0, reclaimed = 0;
        var tables = 0;
        foreach (var job in result.Jobs)
        {
            keys += job.KeysDropped;
            reclaimed += job.BytesReclaimed;
            tables += job.InputTables;
        }

        EngineLog.KeysDropped(_logger, keys, tables, reclaimed);
        return new KeyDropResult(keys, reclaimed, tables);
    }
}

/// <summary>What <see cref="LsmEngine.DropKeysAsync"/> did: live keys removed, table bytes freed, tables rewritten.</summary>
public sealed record KeyDropResult(long KeysDropped, long BytesReclaimed, int TablesRewritten);
