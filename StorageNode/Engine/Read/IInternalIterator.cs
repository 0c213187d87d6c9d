using PairDb.Engine.Format;

namespace PairDb.Engine.Read;

/// <summary>Walks versions in internal order (key ascending, sequence descending). Spans stay valid until the next move.</summary>
internal interface IInternalIterator
{
    bool Valid { get; }

    ReadOnlySpan<byte> Key { get; }

    long Sequence { get; }

    EntryKind Kind { get; }

    long ExpiresAtUnixMs { get; }

    ReadOnlySpan<byte> Value { get; }

    /// <summary>Positions at the first version whose key is at or after <paramref name="key"/>; empty means the start.</summary>
    void Seek(ReadOnlySpan<byte> key);

    void Next();
}
