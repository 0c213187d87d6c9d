using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Bloom filter block: <c>[bit array][u8 layout|probes]</c>, over one XxHash3 of the user key computed once per lookup
/// and shared by every table probed. Two layouts, told apart by the top bit of the last byte:
/// <list type="bullet">
/// <item>blocked (bit set, written since the blocked layout exists): the array is whole 64-byte lines; the high 32 bits
/// of the hash pick line <c>(h_hi * lines) >> 32</c>, and probe i sets bit <c>g_i >> 23</c> of that line's 512, with
/// g_0 = low 32 bits and g_{i+1} = g_i * 0x9E3779B9 (mod 2^32). A lookup touches one cache line.</item>
/// <item>classic (bit clear, still read): bit_i = (h1 + i*h2) mod bits, with h1/h2 the low/high 32 bits.</item>
/// </list>
/// </summary>
internal sealed class BloomFilter
{
    private const byte BlockedLayout = 0x80;
    private const int LineBytes = 64;
    private const uint ProbeMultiplier = 0x9E3779B9;
    private readonly byte[] _bits;
    private readonly uint _bitCount;
    private readonly ulong _lines;
    private readonly int _probes;

    private BloomFilter(byte[] bits, int probes, bool blocked)
    {
        _bits = bits;
        _bitCount = (uint)bits.Length * 8;
        _lines = blocked ? (ulong)(bits.Length / LineBytes) : 0;
        _probes = probes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    /// <summary>Encodes a blocked filter for <paramref name="hashes"/> into the block format.</summary>
    public static byte[] Build(ReadOnlySpan<ulong> hashes, int bitsPerKey)
    {
        var probes = Math.Clamp((int)Math.Round(bitsPerKey * 0.69), 1, 30);
        var lines = Math.Max(1L, (((long)hashes.Length * bitsPerKey) + (LineBytes * 8) - 1) / (LineBytes * 8));
        var block = new byte[(lines * LineBytes) + 1];
        foreach (var hash in hashes)
        {
            var line = (int)(((hash >> 32) * (ulong)lines) >> 32) * LineBytes;
            var g = (uint)hash;
            for (var i = 0; i < probes; i++)
            {
                var bit = g >> 23;
                block[line + (int)(bit >> 3)] |= (byte)(1 << (int)(bit & 7));
                g *= ProbeMultiplier;
            }
        }

        block[^1] = (byte)(probes | BlockedLayout);
        return block;
    }

    public static BloomFilter? Parse(ReadOnlySpan<byte> block)
    {
        if (block.Length < 2)
        {
            return null;
        }

        var blocked = (block[^1] & BlockedLayout) != 0;
        var probes = block[^1] & ~BlockedLayout;
        if (probes is 0 or > 30 || (blocked && (block.Length - 1) % LineBytes != 0))
        {
            return null;
        }

        return new BloomFilter(block[..^1].ToArray(), probes, blocked);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(ulong hash) => _lines != 0 ? MayContainBlocked(hash) : MayContainClassic(hash);

    private bool MayContainBlocked(ulong hash)
    {
        var line = (int)(((hash >> 32) * _lines) >> 32) * LineBytes;
        var g = (uint)hash;
        var bits = _bits;
        for (var i = 0; i < _probes; i++)
        {
            var bit = g >> 23;
            if ((bits[line + (int)(bit >> 3)] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }

            g *= ProbeMultiplier;
        }

        return true;
    }

    private bool MayContainClassic(ulong hash)
    {
        // Probe i is (h1 + i*h2) mod n, stepped incrementally: two divisions per lookup instead of one per probe.
        var n = (ulong)_bitCount;
        var bit = (uint)hash % n;
        var step = (hash >> 32) % n;
        var bits = _bits;
        for (var i = 0; i < _probes; i++)
        {
            if ((bits[(int)(bit >> 3)] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }

            bit += step;
            if (bit >= n)
            {
                bit -= n;
            }
        }

        return true;
    }
}
