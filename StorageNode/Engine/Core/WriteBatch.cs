using System.Buffers;
using System.Buffers.Binary;
using PairDb.Engine.Format;

namespace PairDb.Engine;

/// <summary>
/// Puts and deletes applied atomically: one commit-log record, all visible together.
/// Entries are encoded as they are added, so <see cref="LsmEngine.Write"/> copies one buffer.
/// Not thread-safe; reusable after <see cref="Clear"/>. Its buffer comes from the shared array pool:
/// <see cref="Dispose"/> gives it back (the engine copies the payload before Write/WriteAsync return), so
/// bulk writers of megabyte batches leave no large-object garbage, which would force gen2 collections.
/// </summary>
public sealed class WriteBatch : IDisposable
{
    /// <summary>Largest key the engine accepts.</summary>
    public const int MaxKeyLength = 64 << 10;

    private byte[] _buffer;
    private int _length = WriteBatchCodec.CountSize;

    public WriteBatch()
        : this(256)
    {
    }

    /// <summary>A batch that holds <paramref name="capacity"/> encoded bytes (see <see cref="PutSize"/>) before it grows.</summary>
    public WriteBatch(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(WriteBatchCodec.CountSize, capacity));
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, 0);
    }

    /// <summary>Bytes a batch without entries takes; add <see cref="PutSize"/> per put for a capacity.</summary>
    public const int EmptySize = WriteBatchCodec.CountSize;

    /// <summary>Bytes one <see cref="Put(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> adds.</summary>
    public static int PutSize(int keyLength, int valueLength) => WriteBatchCodec.EntrySize(EntryKind.Value, keyLength, valueLength);

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
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        _length += WriteBatchCodec.WriteEntry(_buffer.AsSpan(_length), kind, key, value, expiresAtUnixMs);
        Count++;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)Count);
    }

    /// <summary>Returns the buffer to the pool; the batch must not be used afterwards.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        Count = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
