namespace PairDb.Contracts.Versioning;

/// <summary>
/// The last-writer-wins conflict mode, for tenants that do not want siblings. Two halves:
/// <list type="bullet">
/// <item>At write time, on the coordinating replica: the write replaces everything that replica holds
/// for the key (its context is widened to the stored set's), and is stamped with a write time later
/// than every stamp it replaces, so a write that has seen another always wins over it, whatever the
/// clocks say.</item>
/// <item>At read time, on the coordinator: writes coordinated concurrently on different replicas still
/// meet as siblings when their sets merge; the read returns only the winner, the sibling with the
/// greatest (write time, dot). A tie on time falls to the dot order, so every coordinator picks the
/// same winner from the same set.</item>
/// </list>
/// The trade-off: of two concurrent writes, the one stamped later by a replica's clock wins and the
/// other is lost by design; a replica whose clock runs ahead can make an older concurrent write win.
/// Pure: the caller passes the time.
/// </summary>
public static class LastWriterWins
{
    /// <summary>
    /// The write time for a write that replaces <paramref name="current"/>: now, or one millisecond past
    /// the latest stamp it replaces when this replica's clock is behind that stamp (never 0: 0 means "no stamp").
    /// </summary>
    public static long StampFor(SiblingSet current, long nowUnixMs)
    {
        var stamp = Math.Max(nowUnixMs, 1);
        foreach (var sibling in current.Siblings)
        {
            if (sibling.WrittenAtUnixMs >= stamp)
            {
                stamp = sibling.WrittenAtUnixMs == long.MaxValue ? long.MaxValue : sibling.WrittenAtUnixMs + 1;
            }
        }

        return stamp;
    }

    /// <summary>A coordinated write that replaces every sibling of <paramref name="current"/>, whatever the client's context.</summary>
    public static SiblingSet Write(SiblingSet current, VersionVector clientContext, string nodeId, ReadOnlyMemory<byte> value, long expiresAtUnixMs, long nowUnixMs) =>
        current.Update(VersionVector.Merge(current.Context, clientContext), nodeId, value, expiresAtUnixMs, StampFor(current, nowUnixMs));

    /// <summary>A coordinated delete that replaces every sibling of <paramref name="current"/>.</summary>
    public static SiblingSet Delete(SiblingSet current, VersionVector clientContext, string nodeId, long nowUnixMs) =>
        current.Delete(VersionVector.Merge(current.Context, clientContext), nodeId, StampFor(current, nowUnixMs));

    /// <summary>
    /// The winning sibling: the greatest write time, then the greatest dot. Siblings without a stamp
    /// (written in siblings mode, before the tenant switched) lose to any stamped one. Null for an empty set.
    /// </summary>
    public static Sibling? Winner(SiblingSet set)
    {
        Sibling? winner = null;
        foreach (var sibling in set.Siblings)
        {
            if (winner is null || Beats(sibling, winner))
            {
                winner = sibling;
            }
        }

        return winner;
    }

    /// <summary>
    /// The set a last-writer-wins read answers with: the winner alone, under the full context, so a
    /// write back with that context still replaces every sibling the replicas hold.
    /// </summary>
    public static SiblingSet Resolve(SiblingSet set) =>
        set.Siblings.Count <= 1 ? set : SiblingSet.Create(set.Context, [Winner(set)!]);

    private static bool Beats(Sibling candidate, Sibling best)
    {
        var byTime = candidate.WrittenAtUnixMs.CompareTo(best.WrittenAtUnixMs);
        return byTime != 0 ? byTime > 0 : candidate.Dot.CompareTo(best.Dot) > 0;
    }
}
