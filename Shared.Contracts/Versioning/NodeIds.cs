namespace PairDb.Contracts.Versioning;

/// <summary>
/// The rule for the actor ids that appear in dots: 1..128 printable ASCII characters (0x21..0x7E).
/// ASCII keeps ordinal string order identical to the byte order of the serialized form, so a
/// serialized context can be checked for canonical order without decoding it.
/// </summary>
/// <remarks>
/// A storage node mints dots as <c>{node id}@{incarnation}</c> (<see cref="Actor"/>): one actor per
/// life of a node's data, so a node that lost or rebuilt its state can never mint a dot that an
/// earlier life already gave to another write. The dot format itself stays an opaque string, so
/// the plain node ids written before incarnations existed remain valid actors. A registered node
/// id (<see cref="IsValidNodeId"/>) therefore may not contain the separator and leaves room for it.
/// </remarks>
public static class NodeIds
{
    public const int MaxLength = 128;

    /// <summary>Separates the node id from the incarnation in an actor id.</summary>
    public const char IncarnationSeparator = '@';

    /// <summary>The longest incarnation text an actor carries (a 64-bit value in base 32).</summary>
    public const int MaxIncarnationLength = 13;

    /// <summary>The longest node id a storage node may be registered or configured under.</summary>
    public const int MaxNodeIdLength = MaxLength - 1 - MaxIncarnationLength;

    /// <summary>
    /// A node id for registration and configuration: 1..<see cref="MaxNodeIdLength"/> printable
    /// ASCII characters without <see cref="IncarnationSeparator"/>.
    /// </summary>
    public static bool IsValidNodeId(ReadOnlySpan<char> nodeId) =>
        nodeId.Length <= MaxNodeIdLength && !nodeId.Contains(IncarnationSeparator) && IsValid(nodeId);

    /// <summary>The actor id that dots minted by <paramref name="nodeId"/> during <paramref name="incarnation"/> carry.</summary>
    public static string Actor(string nodeId, string incarnation)
    {
        if (!IsValidNodeId(nodeId))
        {
            throw new ArgumentException($"node id must be 1..{MaxNodeIdLength} printable ASCII characters without '{IncarnationSeparator}'", nameof(nodeId));
        }

        if (incarnation.Length is 0 or > MaxIncarnationLength || !IsValid(incarnation) || incarnation.Contains(IncarnationSeparator))
        {
            throw new ArgumentException($"incarnation must be 1..{MaxIncarnationLength} printable ASCII characters without '{IncarnationSeparator}'", nameof(incarnation));
        }

        return string.Concat(nodeId, IncarnationSeparator.ToString(), incarnation);
    }

    /// <summary>
    /// The node id part of an actor id: everything before the last separator, or the whole id for an
    /// actor minted before incarnations existed.
    /// </summary>
    public static string NodeOf(string actor)
    {
        var at = actor.LastIndexOf(IncarnationSeparator);
        return at < 0 ? actor : actor[..at];
    }

    public static bool IsValid(ReadOnlySpan<char> nodeId)
    {
        if (nodeId.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in nodeId)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsValid(ReadOnlySpan<byte> nodeId)
    {
        if (nodeId.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var b in nodeId)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    internal static void ThrowIfInvalid(string nodeId, string paramName)
    {
        if (!IsValid(nodeId))
        {
            throw new ArgumentException("node id must be 1..128 printable ASCII characters", paramName);
        }
    }
}
