using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Bloom filter block: <c>[bit array][u8 probe count]</c>. Probes use double hashing over one XxHash3 of the
/// user key: bit_i = (h1 + i*h2) mod bits, with h1/h2 the low/high 32 bits. The hash is computed once per
/// lookup and shared by every table probed.
/// </summary>
internal sealed class BloomFilter
{
    private readonly byte[] _bits;
    private readonly uint _bitCount;
    private readonly int _probes;

    private BloomFilter(byte[] bits, int probes)
    {
        _bits = bits;
        _bitCount = (uint)bits.Length * 8;
        _probes = probes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    /// <summary>Encodes a filter for <paramref name="hashes"/> into the block format.</summary>
    public static byte[] Build(ReadOnlySpan<ulong> hashes, int bitsPerKey)
    {
        var probes = Math.Clamp((int)Math.Round(bitsPerKey * 0.69), 1, 30);
        var bitCount = Math.Max(64, (long)hashes.Length * bitsPerKey);
        var byteCount = (int)((bitCount + 7) / 8);
        bitCount = byteCount * 8L;
        var block = new byte[byteCount + 1];
        foreach (var hash in hashes)
        {
            var h1 = (uint)hash;
            var h2 = (uint)(hash >> 32);
            for (var i = 0; i < probes; i++)
            {
                var bit = (uint)((h1 + ((ulong)i * h2)) % (ulong)bitCount);
                block[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }

        block[byteCount] = (byte)probes;
        return block;
    }

    public static BloomFilter? Parse(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2 || block[^1] is 0 or > 30)
        {
            return null;
        }

        return new BloomFilter(block[..^1].ToArray(), block[^1]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(ulong hash)
    {
        var h1 = (uint)hash;
        var h2 = (uint)(hash >> 32);
        var bits = _bits;
        for (var i = 0; i < _probes; i++)
        {
            var bit = (uint)((h1 + ((ulong)i * h2)) % _bitCount);
            if ((bits[bit >> 3] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
