namespace PairDb.StorageNode.Data;

/// <summary>
/// The time at which a request may judge TTL expiry on this node. Dropping an expired sibling keeps
/// its dot in the context, so the dropped set deletes that sibling on every replica it is merged into
/// (replica writes, read repair, streaming): an early judgement on one node is data loss everywhere.
/// Hence never the node's clock alone:
/// <list type="bullet">
/// <item>with a request time (the coordinator's cluster time), expiry is judged at the smaller of the two
/// clocks, so a fast node clock is neutralised by the coordinator's and a fast coordinator's by the node's;
/// expiring late is harmless (readers filter expired siblings), early is not;</item>
/// <item>without one (streaming, recovery, a coordinator of an older release), nothing is judged expired:
/// siblings are kept, and a reader with a trusted time filters them.</item>
/// </list>
/// </summary>
public readonly record struct ExpiryTime
{
    private ExpiryTime(long nodeNowUnixMs, long judgedAtUnixMs)
    {
        NodeNowUnixMs = nodeNowUnixMs;
        JudgedAtUnixMs = judgedAtUnixMs;
    }

    /// <summary>The node's own wall clock.</summary>
    public long NodeNowUnixMs { get; }

    /// <summary>When expiry is judged; 0 when it is not judged at all (no request time).</summary>
    public long JudgedAtUnixMs { get; }

    /// <summary>True when siblings expired at <see cref="JudgedAtUnixMs"/> may be dropped.</summary>
    public bool Judges => JudgedAtUnixMs > 0;

    /// <summary>
    /// The time a last-writer-wins write is stamped at: the same min() (a fast clock cannot make a write win),
    /// the node's clock when the request carries no time.
    /// </summary>
    public long StampUnixMs => Judges ? JudgedAtUnixMs : NodeNowUnixMs;

    /// <summary>
    /// <paramref name="requestNowUnixMs"/> is the request's <c>now_unix_ms</c> (0 or less = not sent).
    /// </summary>
    public static ExpiryTime For(long nodeNowUnixMs, long requestNowUnixMs) =>
        new(nodeNowUnixMs, requestNowUnixMs > 0 ? Math.Min(nodeNowUnixMs, requestNowUnixMs) : 0);

    /// <summary>The set without the siblings expired at this time, context kept; the set itself when nothing is judged.</summary>
    public Contracts.Versioning.SiblingSet Apply(Contracts.Versioning.SiblingSet set) =>
        Judges ? SiblingSets.WithoutExpired(set, JudgedAtUnixMs) : set;
}
