using System.Runtime.CompilerServices;

namespace PairDb.Engine.Format;

/// <summary>LEB128 unsigned 32-bit integers, as in LevelDB/protobuf: 7 bits per byte, low bits first.</summary>
internal static class VarInt
{
    public const int MaxLength = 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Returns the number of bytes read, or 0 when the input is truncated or too long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Read(ReadOnlySpan<byte> source, out uint value)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            value = source[0];
            return 1;
        }

        return ReadSlow(source, out value);
    }

    private static int ReadSlow(ReadOnlySpan<byte> source, out uint value)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < MaxLength && i < source.Length; i++)
        {
            var b = source[i];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return i + 1;
            }

            shift += 7;
        }

        value = 0;
        return 0;
    }
}
