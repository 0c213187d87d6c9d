using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>
/// One spool record, little-endian: <c>u32 body length</c>, <c>u32 CRC32 of the body</c>, then the body:
/// <c>u8 kind</c>, <c>16 bytes uid</c> and, for a hint, <c>i64 created_at (Unix ms)</c>, <c>u16 + UTF-8 target</c>,
/// <c>u16 + UTF-8 tenant</c>, <c>i32 + key</c>, <c>i32 + payload</c>. A done mark is the kind and the uid alone.
/// </summary>
public static class SpoolRecord
{
    public const int HeaderSize = 8;

    /// <summary>Larger bodies are damage, not records: a hint is at most a few MiB (the largest object plus its key).</summary>
    public const int MaxBodySize = 256 * 1024 * 1024;

    private const int UidSize = 16;

    public static byte[] Hint(SpooledHint hint)
    {
        var target = Encoding.UTF8.GetBytes(hint.TargetNodeId);
        var tenant = Encoding.UTF8.GetBytes(hint.TenantId);
        var body = 1 + UidSize + 8 + 2 + target.Length + 2 + tenant.Length + 4 + hint.Key.Length + 4 + hint.Payload.Length;
        var record = new byte[HeaderSize + body];
        var span = record.AsSpan(HeaderSize);
        span[0] = (byte)SpoolRecordKind.Hint;
        var at = 1;
        hint.Uid.TryWriteBytes(span.Slice(at, UidSize));
        at += UidSize;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], hint.CreatedAt.ToUnixTimeMilliseconds());
        at += 8;
        at = WriteShort(span, at, target);
        at = WriteShort(span, at, tenant);
        at = WriteLong(span, at, hint.Key);
        WriteLong(span, at, hint.Payload);
        Seal(record);
        return record;
    }

    public static byte[] Done(Guid uid)
    {
        var record = new byte[HeaderSize + 1 + UidSize];
        record[HeaderSize] = (byte)SpoolRecordKind.Done;
        uid.TryWriteBytes(record.AsSpan(HeaderSize + 1));
        Seal(record);
        return record;
    }

    /// <summary>The body length a header announces, or -1 when it cannot be a record's.</summary>
    public static int BodyLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length is >= 1 + UidSize and <= MaxBodySize ? (int)length : -1;
    }

    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Crc32.HashToUInt32(body);

    public static SpoolRecordKind KindOf(ReadOnlySpan<byte> body) => (SpoolRecordKind)body[0];

    public static Guid UidOf(ReadOnlySpan<byte> body) => new(body.Slice(1, UidSize));

    /// <summary>Parses a hint body whose checksum matched; null when its fields do not fit it (damage the CRC missed).</summary>
    public static SpooledHint? ParseHint(ReadOnlySpan<byte> body)
    {
        try
        {
            var at = 1 + UidSize;
            var created = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(body[at..]));
            at += 8;
            var target = Encoding.UTF8.GetString(ReadShort(body, ref at));
            var tenant = Encoding.UTF8.GetString(ReadShort(body, ref at));
            var key = ReadLong(body, ref at).ToArray();
            var payload = ReadLong(body, ref at).ToArray();
            return at == body.Length ? new SpooledHint(UidOf(body), target, tenant, key, payload, created) : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void Seal(byte[] record)
    {
        var body = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.HashToUInt32(body));
    }

    private static int WriteShort(Span<byte> span, int at, byte[] value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], checked((ushort)value.Length));
        value.CopyTo(span[(at + 2)..]);
        return at + 2 + value.Length;
    }

    private static int WriteLong(Span<byte> span, int at, byte[] value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], value.Length);
        value.CopyTo(span[(at + 4)..]);
        return at + 4 + value.Length;
    }

    private static ReadOnlySpan<byte> ReadShort(ReadOnlySpan<byte> body, ref int at)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
        var value = body.Slice(at + 2, length);
        at += 2 + length;
        return value;
    }

    private static ReadOnlySpan<byte> ReadLong(ReadOnlySpan<byte> body, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        var value = body.Slice(at + 4, length);
        at += 4 + length;
        return value;
    }
}
