using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PairDb.Engine.Format;

/// <summary>Unsigned lexicographic order of user keys; among equal keys, newer sequence numbers first.</summary>
internal static class ByteKeyComparer
{
    public static int CompareInternal(ReadOnlySpan<byte> keyA, long seqA, ReadOnlySpan<byte> keyB, long seqB)
    {
        var c = keyA.SequenceCompareTo(keyB);
        return c != 0 ? c : seqB.CompareTo(seqA);
    }

    /// <summary>
    /// The key's first 8 bytes as a big-endian integer, zero-padded: <c>Prefix(a) &lt; Prefix(b)</c> implies
    /// a &lt; b, so one integer compare orders most pairs of keys; only equal prefixes need the full compare.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Prefix(ReadOnlySpan<byte> key)
    {
        if (key.Length >= 8)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(key);
        }

        return PrefixOfShortKey(key);
    }

    private static ulong PrefixOfShortKey(ReadOnlySpan<byte> key)
    {
        ulong prefix = 0;
        for (var i = 0; i < key.Length; i++)
        {
            prefix |= (ulong)key[i] << (56 - (8 * i));
        }

        return prefix;
    }
}
