using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Data;

/// <summary>One change to one key's sibling set: a coordinated write or delete (mints a dot here), or a merge of a set made elsewhere.</summary>
public sealed partial class KeyMutation
{
    private readonly VersionVector? _clientContext;
    private readonly ReadOnlyMemory<byte> _value;
    private readonly bool _tombstone;
    private readonly long _expiresAtUnixMs;
    private readonly SiblingSet? _incoming;
    private readonly byte[]? _incomingBytes;

    private KeyMutation(byte[] encodedKey, VersionVector? clientContext, ReadOnlyMemory<byte> value, bool tombstone, long expiresAtUnixMs, SiblingSet? incoming, byte[]? incomingBytes = null)
    {
        _incomingBytes = incomingBytes;
        EncodedKey = encodedKey;
        _clientContext = clientContext;
        _value = value;
        _tombstone = tombstone;
        _expiresAtUnixMs = expiresAtUnixMs;
        _incoming = incoming;
    }

    /// <summary>The engine key: KeyEncoding of (tenant, key).</summary>
    public byte[] EncodedKey { get; }

    public static KeyMutation Write(byte[] encodedKey, VersionVector clientContext, ReadOnlyMemory<byte> value, long expiresAtUnixMs = 0) =>
        new(encodedKey, clientContext, value, tombstone: false, expiresAtUnixMs, incoming: null);

    public static KeyMutation Delete(byte[] encodedKey, VersionVector clientContext) =>
        new(encodedKey, clientContext, ReadOnlyMemory<byte>.Empty, tombstone: true, 0, incoming: null);

    public static KeyMutation Merge(byte[] encodedKey, SiblingSet incoming) =>
        new(encodedKey, null, ReadOnlyMemory<byte>.Empty, tombstone: false, 0, incoming);

    /// <summary>
    /// A merge whose incoming set arrived as <paramref name="incomingBytes"/> (its SiblingSetFormat
    /// bytes, as the sender stored them): when the merge leaves that set unchanged (the key was absent
    /// here), those very bytes are stored, saving a serialization and keeping digests byte-identical.
    /// </summary>
    public static KeyMutation Merge(byte[] encodedKey, SiblingSet incoming, byte[] incomingBytes) =>
        new(encodedKey, null, ReadOnlyMemory<byte>.Empty, tombstone: false, 0, incoming, incomingBytes);

    /// <summary>
    /// The request's cluster time (<c>now_unix_ms</c>, 0 = none): expiry is judged at min(node clock, it), and not
    /// at all without it (<see cref="ExpiryTime"/>). Set before the mutation is shared.
    /// </summary>
    public long RequestNowUnixMs { get; private set; }

    /// <summary>Sets <see cref="RequestNowUnixMs"/>; returns this mutation.</summary>
    public KeyMutation AtRequestTime(long requestNowUnixMs)
    {
        RequestNowUnixMs = requestNowUnixMs;
        return this;
    }

    /// <summary>The bytes to store for <paramref name="next"/>, the result of <see cref="ApplyTo"/>.</summary>
    public byte[] Serialize(SiblingSet next) =>
        _incomingBytes is not null && ReferenceEquals(next, _incoming) ? _incomingBytes : SiblingSetFormat.ToArray(next);

    /// <summary>
    /// The set after this mutation, with the context pruned and the siblings expired at min(<paramref name="nowUnixMs"/>,
    /// <see cref="RequestNowUnixMs"/>) dropped; none dropped when the request carried no time (<see cref="ExpiryTime"/>). A coordinated write mints its dot under <paramref name="actor"/> (the node's current incarnation),
    /// after checking its client context against <paramref name="current"/>, the set stored for the key
    /// (<see cref="ContextCheck"/>, with <paramref name="maxContextCounterLead"/>).
    /// </summary>
    /// <exception cref="Contracts.Errors.PairDbException">INVALID_VECTOR_CLOCK: the client context was not issued by the cluster.</exception>
    public SiblingSet ApplyTo(SiblingSet current, string actor, long nowUnixMs, int maxContextEntries, ulong maxContextCounterLead)
    {
        if (_incoming is null)
        {
            ContextCheck.ThrowIfNotIssued(_clientContext!, current.Context, actor, maxContextCounterLead);
        }

        var time = ExpiryTime.For(nowUnixMs, RequestNowUnixMs);
        var next = _incoming is not null ? current.MergeWith(_incoming)
            : _lastWriterWins ? ReplaceAll(current, actor, time.StampUnixMs)
            : _tombstone ? current.Delete(_clientContext!, actor)
            : current.Update(_clientContext!, actor, _value, _expiresAtUnixMs);
        return time.Apply(next).Prune(maxContextEntries, actor);
    }
}
