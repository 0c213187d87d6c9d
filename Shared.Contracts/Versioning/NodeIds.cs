namespace PairDb.Contracts.Versioning;

/// <summary>
/// The rule for node ids that appear in dots: 1..128 printable ASCII characters (0x21..0x7E).
/// ASCII keeps ordinal string order identical to the byte order of the serialized form, so a
/// serialized context can be checked for canonical order without decoding it.
/// </summary>
public static class NodeIds
{
    public const int MaxLength = 128;

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
