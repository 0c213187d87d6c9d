using System.Buffers.Binary;
using PairDb.Engine.Format;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Table-wide facts: <c>[i64 minSequence][i64 maxSequence][varint smallestKeyLength][smallest key]
/// [varint largestKeyLength][largest key]</c>. Compaction picks inputs by these ranges.
/// </summary>
internal sealed record PropertiesBlock(long MinSequence, long MaxSequence, byte[] SmallestKey, byte[] LargestKey)
{
    public int Size => 16 + VarInt.Size((uint)SmallestKey.Length) + SmallestKey.Length + VarInt.Size((uint)LargestKey.Length) + LargestKey.Length;

    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, MinSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], MaxSequence);
        var p = 16;
        p += VarInt.Write(destination[p..], (uint)SmallestKey.Length);
        SmallestKey.CopyTo(destination[p..]);
        p += SmallestKey.Length;
        p += VarInt.Write(destination[p..], (uint)LargestKey.Length);
        LargestKey.CopyTo(destination[p..]);
        return p + LargestKey.Length;
    }

    public static PropertiesBlock? Parse(ReadOnlySpan<byte> source)
    {
        if (source.Length < 16)
        {
            return null;
        }

        var p = 16;
        var n = VarInt.Read(source[p..], out var smallestLength);
        if (n == 0 || (uint)(source.Length - p - n) < smallestLength)
        {
            return null;
        }

        p += n;
        var smallest = source.Slice(p, (int)smallestLength).ToArray();
        p += (int)smallestLength;
        n = VarInt.Read(source[p..], out var largestLength);
        if (n == 0 || (uint)(source.Length - p - n) < largestLength)
        {
            return null;
        }

        p += n;
        var largest = source.Slice(p, (int)largestLength).ToArray();
        return new PropertiesBlock(BinaryPrimitives.ReadInt64LittleEndian(source), BinaryPrimitives.ReadInt64LittleEndian(source[8..]), smallest, largest);
    }
}
