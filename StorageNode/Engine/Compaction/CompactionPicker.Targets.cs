using PairDb.Engine.SSTable;

namespace PairDb.Engine.Compaction;

internal static partial class CompactionPicker
{
    /// <summary>
    /// Size targets per level (index = level; 0 for L0 and for levels above the base level) and the base level, the
    /// one L0 compacts into. Static sizing: base L1, targets base × ratio^(n-1). Dynamic sizing (RocksDB's
    /// level_compaction_dynamic_level_bytes): the last level's actual size sets the targets upwards, divided by the
    /// ratio per level, and the base level is the first whose target fits in the base size — so the last level always
    /// holds about (ratio-1)/ratio of the data and small databases are just L0 plus the last level.
    /// </summary>
    public static long[] Targets(CompactionOptions options, SSTableReader[][] levels, out int baseLevel)
    {
        var targets = new long[levels.Length];
        if (!options.DynamicLevelSizing)
        {
            baseLevel = 1;
            var target = (double)options.BaseLevelSizeBytes;
            for (var level = 1; level < levels.Length; level++, target *= options.LevelSizeRatio)
            {
                targets[level] = (long)Math.Min(target, long.MaxValue / 2);
            }

            return targets;
        }

        var size = (double)Math.Max(Bytes(levels[LastLevel]), options.BaseLevelSizeBytes);
        baseLevel = LastLevel;
        targets[LastLevel] = (long)size;
        while (baseLevel > 1 && size > options.BaseLevelSizeBytes)
        {
            size /= options.LevelSizeRatio;
            baseLevel--;
            targets[baseLevel] = (long)size;
        }

        return targets;
    }

    /// <summary>Where L0 goes: the base level.</summary>
    public static int Level0Output(CompactionOptions options, SSTableReader[][] levels)
    {
        Targets(options, levels, out var baseLevel);
        return baseLevel;
    }

    public static long Bytes(SSTableReader[] level)
    {
        long bytes = 0;
        foreach (var table in level)
        {
            bytes += table.FileSize;
        }

        return bytes;
    }

    public static double Score(CompactionOptions options, SSTableReader[][] levels, int level)
    {
        var targets = Targets(options, levels, out _);
        return Score(options, levels, targets, level);
    }

    private static double Score(CompactionOptions options, SSTableReader[][] levels, long[] targets, int level)
    {
        if (level == 0)
        {
            return levels[0].Length / (double)options.Level0Trigger;
        }

        if (level >= LastLevel)
        {
            return 0;
        }

        var bytes = Bytes(levels[level]);
        if (targets[level] == 0)
        {
            // Above the base level (the base moved down after data shrank): anything here moves down first.
            return bytes == 0 ? 0 : 1 + (bytes / (double)options.BaseLevelSizeBytes);
        }

        return bytes / (double)targets[level];
    }
}
