namespace PairDb.Contracts.Versioning;

/// <summary>A bounds-checked cursor over serialized versions; every read reports failure instead of throwing.</summary>
internal ref struct FormatReader(ReadOnlySpan<byte> source)
{
    private readonly ReadOnlySpan<byte> _source = source;

    public int Position { get; private set; }

    public readonly bool AtEnd => Position == _source.Length;

    public readonly int Remaining => _source.Length - Position;

    public bool TryReadByte(out byte value)
    {
        if (Position >= _source.Length)
        {
            value = 0;
            return false;
        }

        value = _source[Position++];
        return true;
    }

    public bool TryReadVarint(out ulong value)
    {
        if (!Varint.TryRead(_source[Position..], out value, out var length))
        {
            return false;
        }

        Position += length;
        return true;
    }

    /// <summary>Reads a varint that must fit in [min, max].</summary>
    public bool TryReadVarint(ulong min, ulong max, out ulong value) =>
        TryReadVarint(out value) && value >= min && value <= max;

    public bool TryReadBytes(int length, out ReadOnlySpan<byte> value)
    {
        if ((uint)length > (uint)(_source.Length - Position))
        {
            value = default;
            return false;
        }

        value = _source.Slice(Position, length);
        Position += length;
        return true;
    }

    public bool TryReadInt64LittleEndian(out long value)
    {
        if (!TryReadBytes(sizeof(long), out var bytes))
        {
            value = 0;
            return false;
        }

        value = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return true;
    }
}
