namespace PairDb.Contracts.Versioning;

/// <summary>Unsigned LEB128: 7 bits a byte, least significant group first.</summary>
internal static class Varint
{
    public const int MaxLength = 10;

    public static int SizeOf(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int Write(Span<byte> destination, ulong value)
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

    /// <summary>
    /// Reads a canonical varint: no overlong encodings (a trailing zero group), no overflow, so every
    /// value has exactly one encoding and round trips are byte-exact.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        value = 0;
        for (var i = 0; i < MaxLength && i < source.Length; i++)
        {
            var b = source[i];
            if (i == MaxLength - 1 && b > 1)
            {
                break;
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (b == 0 && i > 0)
                {
                    break;
                }

                length = i + 1;
                return true;
            }
        }

        value = 0;
        length = 0;
        return false;
    }
}
