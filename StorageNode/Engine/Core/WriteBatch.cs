using System.Buffers.Binary;
using PairDb.Engine.Format;

namespace PairDb.Engine;

/// <summary>
/// Puts and deletes applied atomically: one commit-log record, all visible together.
/// Entries are encoded as they are added, so <see cref="LsmEngine.Write"/> copies one buffer.
/// Not thread-safe; reusable after <see cref="Clear"/>.
/// </summary>
public sealed class WriteBatch
{
    /// <summary>Largest key the engine accepts.</summary>
    public const int MaxKeyLength = 64 << 10;

    private byte[] _buffer = new byte[256];
    private int _length = WriteBatchCodec.CountSize;

    public int Count { get; private set; }

    /// <summary>Encoded size in bytes.</summary>
    public int SizeBytes => _length;

    internal ReadOnlySpan<byte> Payload => _buffer.AsSpan(0, _length);

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Add(EntryKind.Value, key, value, 0);

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, DateTimeOffset expiresAt) =>
        Add(EntryKind.ExpiringValue, key, value, expiresAt.ToUnixTimeMilliseconds());

    public void Delete(ReadOnlySpan<byte> key) => Add(EntryKind.Tombstone, key, [], 0);

    public void Clear()
    {
        _length = WriteBatchCodec.CountSize;
        Count = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, 0);
    }

    internal static void ValidateKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            ThrowInvalidKey(key.Length);
        }
    }

    private static void ThrowInvalidKey(int length) =>
        throw new ArgumentException($"key length {length} must be between 1 and {MaxKeyLength} bytes", "key");

    private void Add(EntryKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtUnixMs)
    {
        ValidateKey(key);
        var size = WriteBatchCodec.EntrySize(kind, key.Length, value.Length);
        if (_length + size > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }

        _length += WriteBatchCodec.WriteEntry(_buffer.AsSpan(_length), kind, key, value, expiresAtUnixMs);
        Count++;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)Count);
    }
}
