using System.Buffers.Binary;

namespace PairDb.Bench.Cluster;

/// <summary>Record i's 16-byte key: "user" plus the record number in 12 printable digits (no control bytes, which keys may not hold).</summary>
public static class KeyMaker
{
    public static byte[] Key(long record)
    {
        var key = new byte[16];
        "user"u8.CopyTo(key);
        var n = (ulong)record;
        for (var i = 15; i >= 4; i--)
        {
            key[i] = (byte)('0' + (int)(n % 10));
            n /= 10;
        }
        return key;
    }

    /// <summary>A 100-byte value that changes with every write (the sequence number in front).</summary>
    public static byte[] Value(long sequence, int size)
    {
        var value = new byte[size];
        value.AsSpan().Fill((byte)'x');
        BinaryPrimitives.WriteInt64LittleEndian(value, sequence);
        return value;
    }
}
