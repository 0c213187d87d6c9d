using System.Diagnostics.CodeAnalysis;
using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Versioning;

/// <summary>
/// Whether a client context can have been issued by the cluster, judged by the replica about to
/// coordinate a write with it, against the set it stores for the key (under the key's lock). A context
/// that fails is refused with INVALID_VECTOR_CLOCK and nothing is written.
/// </summary>
/// <remarks>
/// Two rules, one per kind of actor:
/// <list type="bullet">
/// <item>The replica's own current actor: only this incarnation of this node mints its dots, and the
/// set it stores for the key always holds the highest one it minted (merges keep the max, pruning
/// keeps the own entry, and anything that drops data renews the incarnation first). A context claiming
/// more cannot have been issued; accepted, it would make the next dot skip ahead, towards the end
/// of the counter range.</item>
/// <item>Any other actor: this replica may lag the one that minted it (replica writes and hints still
/// on their way), so a context may be ahead of what is stored here, but by at most
/// <c>maxCounterLead</c> writes of the key. A lagging replica that missed more than that refuses the
/// write too: the price of a bound, met only by a key written that often through one other node in
/// one incarnation while this replica saw none of it.</item>
/// </list>
/// </remarks>
public static class ContextCheck
{
    /// <summary>
    /// Throws INVALID_VECTOR_CLOCK, naming the actor and the counters, when <paramref name="clientContext"/>
    /// claims more of <paramref name="actor"/> than <paramref name="stored"/> holds, or more of another
    /// actor than <paramref name="stored"/> holds plus <paramref name="maxCounterLead"/>. Allocates nothing
    /// when the context passes.
    /// </summary>
    public static void ThrowIfNotIssued(VersionVector clientContext, VersionVector stored, string actor, ulong maxCounterLead)
    {
        var claimed = clientContext.Entries;
        var held = stored.Entries;
        var j = 0;
        foreach (var entry in claimed)
        {
            // Both are sorted by node id: one walk finds each claimed actor's stored counter.
            while (j < held.Length && string.CompareOrdinal(held[j].NodeId, entry.NodeId) < 0)
            {
                j++;
            }

            var heldCounter = j < held.Length && string.Equals(held[j].NodeId, entry.NodeId, StringComparison.Ordinal) ? held[j].Counter : 0;
            if (string.Equals(entry.NodeId, actor, StringComparison.Ordinal))
            {
                if (entry.Counter > heldCounter)
                {
                    ThrowAheadOfOwnActor(entry, heldCounter);
                }
            }
            else if (entry.Counter > SaturatingAdd(heldCounter, maxCounterLead))
            {
                ThrowTooFarAhead(entry, heldCounter, maxCounterLead);
            }
        }
    }

    private static ulong SaturatingAdd(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    [DoesNotReturn]
    private static void ThrowAheadOfOwnActor(Dot claimed, ulong held) =>
        PairDbException.Throw(ErrorCode.InvalidVectorClock,
            $"context claims counter {claimed.Counter} for actor {claimed.NodeId}, the coordinating replica's own, which has minted only {held} for this key: "
            + "it was not issued by the cluster; write with the context of a read");

    [DoesNotReturn]
    private static void ThrowTooFarAhead(Dot claimed, ulong held, ulong lead) =>
        PairDbException.Throw(ErrorCode.InvalidVectorClock,
            $"context claims counter {claimed.Counter} for actor {claimed.NodeId}, more than {lead} past the {held} the coordinating replica holds for this key: "
            + "it was not issued by the cluster; write with the context of a read");
}
