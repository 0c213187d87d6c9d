using System.Buffers.Binary;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>
/// Keys of the mixed phase, generated on the fly rather than held in memory: id → 16 bytes, a scrambled 8-byte prefix
/// (random order on disk) then the id. Load ids are drawn uniformly from [0, keys), so about a third of the puts
/// overwrite an earlier key. Values come from a pool of random (incompressible) byte arrays.
/// </summary>
public sealed class MixedKeys
{
    public const int KeySize = 16;

    private readonly byte[][] _values;

    public MixedKeys(int valueSize, int seed)
    {
        var random = new Random(seed);
        _values = new byte[4096][];
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = new byte[valueSize];
            random.NextBytes(_values[i]);
        }
    }

    public static void Write(long id, byte[] key)
    {
        BinaryPrimitives.WriteUInt64BigEndian(key, Scramble((ulong)id));
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), id);
    }

    public byte[] Value(long i) => _values[i & (_values.Length - 1)];

    /// <summary>A bijection on 64-bit integers (splitmix64 finaliser).</summary>
    public static ulong Scramble(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
