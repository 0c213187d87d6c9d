using PairDb.Engine.SSTable;

namespace PairDb.Engine.Compaction;

/// <summary>
/// Chooses the next compaction by score: L0 scores its table count over <see cref="CompactionOptions.Level0Trigger"/>,
/// level n ≥ 1 its bytes over base × ratio^(n-1). The highest score wins; tables another job holds are skipped
/// (a job's whole input set, including the overlapping tables of the next level, must be free, which keeps the
/// outputs of concurrent jobs disjoint).
/// </summary>
internal static partial class CompactionPicker
{
    public static int LastLevel => SSTablePaths.MaxLevels - 1;

    /// <summary>The best job whose score is at least <paramref name="minimumScore"/>, or null.</summary>
    public static CompactionJob? Pick(CompactionOptions options, SSTableReader[][] levels, HashSet<long> busy, double minimumScore, string reason)
    {
        var targets = Targets(options, levels, out var baseLevel);
        Span<double> scores = stackalloc double[LastLevel];
        for (var level = 0; level < LastLevel; level++)
        {
            scores[level] = Score(options, levels, targets, level);
        }

        for (var attempt = 0; attempt < LastLevel; attempt++)
        {
            var best = -1;
            for (var level = 0; level < LastLevel; level++)
            {
                if (scores[level] > 0 && scores[level] >= minimumScore && (best < 0 || scores[level] > scores[best]))
                {
                    best = level;
                }
            }

            if (best < 0)
            {
                return null;
            }

            var job = best == 0 ? PickLevel0(levels, busy, reason, baseLevel) : PickLevel(levels, best, busy, reason);
            if (job is not null)
            {
                return job;
            }

            scores[best] = 0; // busy: try the next best level
        }

        return null;
    }

    /// <summary>Every L0 table (they overlap each other) with the base level's tables they overlap, into the base level.</summary>
    public static CompactionJob? PickLevel0(SSTableReader[][] levels, HashSet<long> busy, string reason, int baseLevel)
    {
        var level0 = levels[0];
        if (level0.Length == 0 || AnyBusy(level0, busy))
        {
            return null;
        }

        Bounds(level0, out var smallest, out var largest);
        // Levels between L0 and the base are empty by construction, except right after the base moved down; their
        // tables then join the job, keeping newer data above older.
        var inputs = new List<SSTableReader>(level0);
        for (var level = 1; level <= baseLevel; level++)
        {
            var overlapping = Overlapping(levels[level], smallest, largest);
            if (AnyBusy(overlapping, busy))
            {
                return null;
            }

            inputs.AddRange(overlapping);
        }

        return new CompactionJob(0, baseLevel, [.. inputs], IsBottommost(levels, baseLevel, smallest, largest), reason);
    }

    /// <summary>The table of <paramref name="level"/> with the least overlap below per byte (least rewrite), with that overlap.</summary>
    public static CompactionJob? PickLevel(SSTableReader[][] levels, int level, HashSet<long> busy, string reason)
    {
        SSTableReader? chosen = null;
        SSTableReader[] chosenBelow = [];
        var bestRatio = double.MaxValue;
        foreach (var table in levels[level])
        {
            if (busy.Contains(table.FileId))
            {
                continue;
            }

            var below = Overlapping(levels[level + 1], table.Properties.SmallestKey, table.Properties.LargestKey);
            if (AnyBusy(below, busy))
            {
                continue;
            }

            long overlap = 0;
            foreach (var t in below)
            {
                overlap += t.FileSize;
            }

            var ratio = overlap / (double)Math.Max(1, table.FileSize);
            if (ratio < bestRatio)
            {
                bestRatio = ratio;
                chosen = table;
                chosenBelow = below;
            }
        }

        if (chosen is null)
        {
            return null;
        }

        var bottommost = IsBottommost(levels, level + 1, chosen.Properties.SmallestKey, chosen.Properties.LargestKey);
        return new CompactionJob(level, level + 1, [chosen, .. chosenBelow], bottommost, reason);
    }

    /// <summary>No level deeper than <paramref name="outputLevel"/> holds a key in [smallest, largest].</summary>
    public static bool IsBottommost(SSTableReader[][] levels, int outputLevel, byte[] smallest, byte[] largest)
    {
        for (var level = outputLevel + 1; level < levels.Length; level++)
        {
            if (Overlapping(levels[level], smallest, largest).Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    public static SSTableReader[] Overlapping(SSTableReader[] level, byte[] smallest, byte[] largest)
    {
        List<SSTableReader>? result = null;
        foreach (var table in level)
        {
            if (table.Properties.LargestKey.AsSpan().SequenceCompareTo(smallest) >= 0 &&
                table.Properties.SmallestKey.AsSpan().SequenceCompareTo(largest) <= 0)
            {
                (result ??= []).Add(table);
            }
        }

        return result is null ? [] : [.. result];
    }

    public static void Bounds(SSTableReader[] tables, out byte[] smallest, out byte[] largest)
    {
        smallest = tables[0].Properties.SmallestKey;
        largest = tables[0].Properties.LargestKey;
        foreach (var table in tables)
        {
            if (table.Properties.SmallestKey.AsSpan().SequenceCompareTo(smallest) < 0)
            {
                smallest = table.Properties.SmallestKey;
            }

            if (table.Properties.LargestKey.AsSpan().SequenceCompareTo(largest) > 0)
            {
                largest = table.Properties.LargestKey;
            }
        }
    }

    public static bool AnyBusy(SSTableReader[] tables, HashSet<long> busy)
    {
        foreach (var table in tables)
        {
            if (busy.Contains(table.FileId))
            {
                return true;
            }
        }

        return false;
    }
}
