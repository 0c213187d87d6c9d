using System.Buffers.Binary;

namespace PairDb.Bench.Load;

/// <summary>
/// Deterministic keys by index: key <c>i</c> is always the same 16 bytes for a given seed, so any phase can
/// name a key another phase wrote without keeping a list of them. Bytes avoid NUL, control bytes and DEL,
/// which the validator rejects; about 105 random bits per 16-byte key, so collisions do not occur in practice.
/// </summary>
public sealed class KeySpace(ulong seed, int keySize = 16)
{
    public int KeySize { get; } = keySize;

    public byte[] Key(long index)
    {
        var key = new byte[KeySize];
        Write(index, key);
        return key;
    }

    public void Write(long index, Span<byte> destination)
    {
        var state = seed ^ ((ulong)index * 0x9E3779B97F4A7C15UL);
        Span<byte> word = stackalloc byte[sizeof(ulong)];
        for (var offset = 0; offset < destination.Length; offset += sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, SplitMix64(ref state));
            var take = Math.Min(sizeof(ulong), destination.Length - offset);
            word[..take].CopyTo(destination[offset..]);
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var b = destination[i];
            if (b < 0x20)
            {
                destination[i] = (byte)(b | 0x80);
            }
            else if (b == 0x7F)
            {
                destination[i] = 0xFF;
            }
        }
    }

    /// <summary><paramref name="count"/> pseudo-random values of <paramref name="size"/> bytes, to rotate through.</summary>
    public static byte[][] Values(int count, int size, int seed)
    {
        var random = new Random(seed);
        var values = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            values[i] = new byte[size];
            random.NextBytes(values[i]);
        }

        return values;
    }

    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
