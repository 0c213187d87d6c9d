namespace PairDb.Coordinator.Ring;

/// <summary>
/// The tokens in <c>(StartExclusive, EndInclusive]</c>, wrapping past <see cref="ulong.MaxValue"/>
/// when <c>StartExclusive &gt;= EndInclusive</c>. A ring with a single token has one range covering
/// everything, written as start == end.
/// </summary>
public readonly record struct TokenRange(ulong StartExclusive, ulong EndInclusive)
{
    public bool Wraps => StartExclusive >= EndInclusive;

    public bool Contains(ulong token) => Wraps
        ? token > StartExclusive || token <= EndInclusive
        : token > StartExclusive && token <= EndInclusive;

    /// <summary>How many tokens the range holds; a full ring counts as <see cref="ulong.MaxValue"/>.</summary>
    public ulong Width => StartExclusive == EndInclusive ? ulong.MaxValue : unchecked(EndInclusive - StartExclusive);

    public override string ToString() => $"({StartExclusive}, {EndInclusive}]";
}

/// <summary>A range of the ring and the nodes that replicate it, first the primary.</summary>
public sealed record OwnedRange(TokenRange Range, IReadOnlyList<string> Replicas);
