using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PairDb.Engine.Format;

/// <summary>
/// Payload of a commit-log record, version 1: <c>[u32 count]</c> then per entry
/// <c>[u8 kind][varint keyLength][varint valueLength][i64 expiresAtUnixMs, only for ExpiringValue][key][value]</c>.
/// Entry i of a record whose first sequence number is S has sequence number S + i.
/// </summary>
internal static class WriteBatchCodec
{
    public const int Version = 1;
    public const int CountSize = 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int EntrySize(EntryKind kind, int keyLength, int valueLength) =>
        1 + VarInt.Size((uint)keyLength) + VarInt.Size((uint)valueLength) + (kind == EntryKind.ExpiringValue ? 8 : 0) + keyLength + valueLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteEntry(Span<byte> destination, EntryKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtUnixMs)
    {
        destination[0] = (byte)kind;
        var p = 1;
        p += VarInt.Write(destination[p..], (uint)key.Length);
        p += VarInt.Write(destination[p..], (uint)value.Length);
        if (kind == EntryKind.ExpiringValue)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[p..], expiresAtUnixMs);
            p += 8;
        }

        key.CopyTo(destination[p..]);
        p += key.Length;
        value.CopyTo(destination[p..]);
        return p + value.Length;
    }

    /// <summary>Walks the entries of a payload; <see cref="MoveNext"/> returns false at the end or on malformed input.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _payload;
        private int _position;
        private int _remaining;

        public Reader(ReadOnlySpan<byte> payload)
        {
            _payload = payload;
            _position = CountSize;
            _remaining = payload.Length >= CountSize ? (int)BinaryPrimitives.ReadUInt32LittleEndian(payload) : 0;
            Malformed = payload.Length < CountSize;
        }

        public EntryKind Kind { get; private set; }

        public ReadOnlySpan<byte> Key { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public long ExpiresAtUnixMs { get; private set; }

        public bool Malformed { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                Malformed |= _position != _payload.Length;
                return false;
            }

            var rest = _payload[_position..];
            if (rest.Length < 3 || rest[0] > (byte)EntryKind.ExpiringValue)
            {
                return Fail();
            }

            Kind = (EntryKind)rest[0];
            var p = 1;
            var n = VarInt.Read(rest[p..], out var keyLength);
            if (n == 0)
            {
                return Fail();
            }

            p += n;
            n = VarInt.Read(rest[p..], out var valueLength);
            if (n == 0)
            {
                return Fail();
            }

            p += n;
            ExpiresAtUnixMs = 0;
            if (Kind == EntryKind.ExpiringValue)
            {
                if (rest.Length - p < 8)
                {
                    return Fail();
                }

                ExpiresAtUnixMs = BinaryPrimitives.ReadInt64LittleEndian(rest[p..]);
                p += 8;
            }

            if ((ulong)rest.Length - (ulong)p < (ulong)keyLength + valueLength)
            {
                return Fail();
            }

            Key = rest.Slice(p, (int)keyLength);
            Value = rest.Slice(p + (int)keyLength, (int)valueLength);
            _position += p + (int)keyLength + (int)valueLength;
            _remaining--;
            return true;
        }

        private bool Fail()
        {
            Malformed = true;
            _remaining = 0;
            return false;
        }
    }
}
