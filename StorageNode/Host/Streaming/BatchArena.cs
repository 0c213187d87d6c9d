using System.Buffers;
using Google.Protobuf;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Backing memory for the byte fields of one outgoing batch: entries are copied into pooled chunks and wrapped
/// without a further copy, so a batch costs a few chunk rentals instead of two arrays per entry. The chunks go
/// back to the pool on <see cref="Reset"/>, which the sender calls only after the batch has been serialized.
/// </summary>
internal sealed class BatchArena
{
    private const int ChunkBytes = 1 << 20;

    private readonly List<byte[]> _chunks = [];
    private byte[]? _current;
    private int _used;

    /// <summary>A ByteString over a copy of <paramref name="bytes"/> that lives until <see cref="Reset"/>.</summary>
    public ByteString Add(ReadOnlySpan<byte> bytes)
    {
        if (_current is null || _current.Length - _used < bytes.Length)
        {
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, bytes.Length));
            _chunks.Add(_current);
            _used = 0;
        }

        var memory = _current.AsMemory(_used, bytes.Length);
        bytes.CopyTo(memory.Span);
        _used += bytes.Length;
        return UnsafeByteOperations.UnsafeWrap(memory);
    }

    public void Reset()
    {
        foreach (var chunk in _chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _chunks.Clear();
        _current = null;
        _used = 0;
    }
}
