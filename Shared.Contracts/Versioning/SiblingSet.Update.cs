using System.Diagnostics.CodeAnalysis;
using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Versioning;

public sealed partial class SiblingSet
{
    /// <summary>
    /// The dot a coordinated write on <paramref name="nodeId"/> gets: one past the highest counter
    /// of that node in this set or in the client's context. Taking the client's counter into account
    /// matters when this replica lags (restored from backup, or a node that rejoined under the same id):
    /// a dot the client context already covers would make the new write look already overwritten.
    /// </summary>
    /// <exception cref="PairDbException">
    /// INVALID_VECTOR_CLOCK when the next counter would pass <see cref="Dot.MaxCounter"/>. Parsed sets and
    /// contexts never get there (both formats bound their counters, and a storage node refuses a context
    /// claiming more of its own actor than it minted, see <see cref="ContextCheck"/>); this is the last
    /// guard, so that no path can overflow the counter or store a set the format would refuse to read.
    /// </exception>
    public Dot NextDot(string nodeId, VersionVector clientContext)
    {
        var highest = Math.Max(Context.Get(nodeId), clientContext.Get(nodeId));
        if (highest >= Dot.MaxCounter)
        {
            ThrowCounterExhausted(nodeId, highest);
        }

        return new Dot(nodeId, highest + 1);
    }

    /// <summary>
    /// A coordinated write: mints a new dot on <paramref name="nodeId"/>, drops exactly the siblings
    /// the client context covers (the client has seen them, so this write replaces them), keeps the
    /// rest as concurrent siblings, and adds the new one. The new context has seen everything this
    /// set and the client had seen, plus the new dot. <paramref name="writtenAtUnixMs"/> stamps the new
    /// sibling with its write time (last-writer-wins writes only; 0 = no stamp).
    /// </summary>
    public SiblingSet Update(VersionVector clientContext, string nodeId, ReadOnlyMemory<byte> value, long expiresAtUnixMs = 0, long writtenAtUnixMs = 0)
    {
        var dot = NextDot(nodeId, clientContext);
        return Apply(clientContext, Sibling.Live(dot, value, expiresAtUnixMs, writtenAtUnixMs));
    }

    /// <summary>A coordinated delete: like <see cref="Update"/> with a tombstone sibling.</summary>
    public SiblingSet Delete(VersionVector clientContext, string nodeId, long writtenAtUnixMs = 0)
    {
        var dot = NextDot(nodeId, clientContext);
        return Apply(clientContext, Sibling.Tombstone(dot, writtenAtUnixMs));
    }

    private SiblingSet Apply(VersionVector clientContext, Sibling written)
    {
        var kept = new List<Sibling>(_siblings.Length + 1);
        var added = false;
        foreach (var sibling in _siblings)
        {
            if (clientContext.Covers(sibling.Dot))
            {
                continue;
            }

            if (!added && written.Dot.CompareTo(sibling.Dot) < 0)
            {
                kept.Add(written);
                added = true;
            }

            kept.Add(sibling);
        }

        if (!added)
        {
            kept.Add(written);
        }

        var context = VersionVector.Merge(Context, clientContext).With(written.Dot.NodeId, written.Dot.Counter);
        return new SiblingSet(context, [.. kept]);
    }

    [DoesNotReturn]
    private static void ThrowCounterExhausted(string nodeId, ulong highest) =>
        PairDbException.Throw(ErrorCode.InvalidVectorClock,
            $"counter {highest} of actor {nodeId} leaves no next dot (counters are at most {Dot.MaxCounter}); nothing was written");
}
