namespace PairDb.Coordinator.Clock;

/// <summary>
/// What the nodes' offsets say about this coordinator's own clock: the median offset, computed only from at
/// least two nodes (one node alone cannot outvote this clock). With an even count, of the two middle offsets
/// the one nearer zero, so a tie between a right and a wrong clock never moves the cluster time.
/// </summary>
public static class ClockOffsetMedian
{
    /// <summary>The median of <paramref name="offsetsMs"/> (sorted in place); null with fewer than two.</summary>
    public static long? Of(List<long> offsetsMs)
    {
        if (offsetsMs.Count < 2)
        {
            return null;
        }
        offsetsMs.Sort();
        var middle = offsetsMs.Count / 2;
        if (offsetsMs.Count % 2 == 1)
        {
            return offsetsMs[middle];
        }
        var low = offsetsMs[middle - 1];
        var high = offsetsMs[middle];
        return Math.Abs(low) <= Math.Abs(high) ? low : high;
    }
}
