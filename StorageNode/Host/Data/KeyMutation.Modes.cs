using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Data;

/// <summary>What kind of mutation this is: coordinated (limits apply) or a merge; siblings or last-writer-wins.</summary>
public sealed partial class KeyMutation
{
    /// <summary>Set only by the last-writer-wins factories, before the mutation is shared.</summary>
    private bool _lastWriterWins;

    /// <summary>True for a write or delete that mints a dot on this replica (the one the object limits apply to); false for a merge.</summary>
    public bool IsCoordinated => _incoming is null;

    /// <summary>A coordinated write in last-writer-wins mode: it replaces every sibling this replica holds (<see cref="LastWriterWins"/>).</summary>
    public static KeyMutation LastWriterWinsWrite(byte[] encodedKey, VersionVector clientContext, ReadOnlyMemory<byte> value, long expiresAtUnixMs = 0)
    {
        var mutation = Write(encodedKey, clientContext, value, expiresAtUnixMs);
        mutation._lastWriterWins = true;
        return mutation;
    }

    /// <summary>A coordinated delete in last-writer-wins mode.</summary>
    public static KeyMutation LastWriterWinsDelete(byte[] encodedKey, VersionVector clientContext)
    {
        var mutation = Delete(encodedKey, clientContext);
        mutation._lastWriterWins = true;
        return mutation;
    }

    private SiblingSet ReplaceAll(SiblingSet current, string actor, long nowUnixMs) =>
        _tombstone
            ? LastWriterWins.Delete(current, _clientContext!, actor, nowUnixMs)
            : LastWriterWins.Write(current, _clientContext!, actor, _value, _expiresAtUnixMs, nowUnixMs);
}
