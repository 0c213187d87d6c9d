using System.Text;

namespace PairDb.Client;

/// <summary>
/// A read: every concurrent sibling and the merged context to write back. A key without a live
/// value (KEY_NOT_FOUND) reads as <see cref="Found"/> = false, not as an exception.
/// </summary>
public sealed class GetResult
{
    private readonly int _liveIndex;

    internal GetResult(IReadOnlyList<Sibling> siblings, ReadOnlyMemory<byte> context)
    {
        Siblings = siblings;
        Context = context;
        _liveIndex = -1;
        var live = 0;
        for (var i = 0; i < siblings.Count; i++)
        {
            if (!siblings[i].IsTombstone)
            {
                live++;
                _liveIndex = i;
            }
        }

        LiveCount = live;
    }

    /// <summary>The result of reading a key that has no live value.</summary>
    public static GetResult NotFound { get; } = new([], ReadOnlyMemory<byte>.Empty);

    /// <summary>Every concurrent version, tombstones included; empty when not found.</summary>
    public IReadOnlyList<Sibling> Siblings { get; }

    /// <summary>The merged context (opaque): write it back with the next put or delete of this key.</summary>
    public ReadOnlyMemory<byte> Context { get; }

    /// <summary>True when the key has at least one live sibling.</summary>
    public bool Found => LiveCount > 0;

    /// <summary>Siblings that are values, not tombstones.</summary>
    public int LiveCount { get; }

    /// <summary>True when concurrent writes left more than one sibling; resolve them with the context.</summary>
    public bool HasConflict => Siblings.Count > 1;

    /// <summary>
    /// The value when exactly one sibling is live (a concurrent tombstone aside); throws
    /// <see cref="InvalidOperationException"/> otherwise. Use <see cref="TryGetValue"/> to test first.
    /// </summary>
    public ReadOnlyMemory<byte> Value => TryGetValue(out var value)
        ? value
        : throw new InvalidOperationException(LiveCount == 0
            ? "the key has no live value (Found is false)"
            : $"the key has {LiveCount} live siblings; read Siblings or resolve them with PairDbClient.ResolveAsync");

    public bool TryGetValue(out ReadOnlyMemory<byte> value)
    {
        value = LiveCount == 1 ? Siblings[_liveIndex].Value : default;
        return LiveCount == 1;
    }

    /// <summary><see cref="Value"/> decoded as UTF-8.</summary>
    public string ValueAsString() => Encoding.UTF8.GetString(Value.Span);
}
