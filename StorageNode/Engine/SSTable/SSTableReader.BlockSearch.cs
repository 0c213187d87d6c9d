using System.Buffers.Binary;
using PairDb.Engine.Format;

namespace PairDb.Engine.SSTable;

internal sealed partial class SSTableReader
{
    /// <summary>
    /// Offset in a data block of the first entry that may sort at or after a key with <paramref name="prefix"/>
    /// (see <see cref="ByteKeyComparer.Prefix"/>). Entries with one-byte lengths and a key of 8+ bytes whose prefix is
    /// smaller are stepped over without a full parse; anything else stops the skip and is left to the full parser.
    /// </summary>
    private static int SkipSmallerPrefixes(ReadOnlySpan<byte> block, ulong prefix)
    {
        const int FixedHeader = 11; // keyLength, valueLength (one byte each here), kind, sequence
        var p = 0;
        while (block.Length - p >= FixedHeader + 8)
        {
            uint keyLength = block[p];
            uint valueLength = block[p + 1];
            if (((keyLength | valueLength) & 0x80) != 0 || keyLength < 8)
            {
                break;
            }

            var keyStart = p + FixedHeader + (block[p + 2] == (byte)EntryKind.ExpiringValue ? 8 : 0);
            if ((ulong)(block.Length - keyStart) < keyLength + valueLength ||
                BinaryPrimitives.ReadUInt64BigEndian(block[keyStart..]) >= prefix)
            {
                break;
            }

            p = keyStart + (int)(keyLength + valueLength);
        }

        return p;
    }
}
