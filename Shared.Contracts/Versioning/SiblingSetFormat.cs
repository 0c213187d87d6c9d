using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Versioning;

/// <summary>
/// The stored and wire form of a <see cref="SiblingSet"/> (engine values, hint rows, StorageService
/// <c>versions</c>). Layout, version 1:
/// <code>
/// [1 byte format version = 1]
/// [context: varint count, then per entry varint len, node id ASCII, varint counter]
/// [varint sibling count]
/// per sibling: [varint context entry index of its node][varint counter]
///              [1 byte flags: bit0 tombstone, bit1 has expiry, bit2 has write time]
///              [8 bytes expires_at_unix_ms, little endian, only when bit1]
///              [8 bytes written_at_unix_ms, little endian, only when bit2]
///              [varint value length][value bytes]
/// </code>
/// A dot names its node by index into the context (the context always covers its siblings), so a
/// node id is written once however many siblings it has. Counters are 1..<see cref="Dot.MaxCounter"/>
/// (a sibling's counter is at most its context entry's). The form is canonical: parse rejects
/// anything <see cref="Write"/> would not produce, so equal sets have equal bytes: unknown flag
/// bits, a zero or negative time behind bit1 or bit2, and a tombstone with a value or an expiry.
/// Bit2 was added for last-writer-wins writes (<see cref="LastWriterWins"/>) without a format
/// version change: only those writes set it, so every set written before, or in siblings mode, keeps
/// exactly its old bytes, and a node that predates bit2 rejects such a set rather than misread it.
/// </summary>
public static class SiblingSetFormat
{
    public const byte Version = 1;

    private const byte TombstoneFlag = 0x01;
    private const byte ExpiryFlag = 0x02;
    private const byte WriteTimeFlag = 0x04;

    /// <summary>The fewest bytes a sibling takes: index, counter, flags, value length.</summary>
    private const int MinSiblingSize = 4;

    public static int GetSize(SiblingSet set)
    {
        var size = 1 + ContextCodec.GetSize(set.Context.Entries) + Varint.SizeOf((ulong)set.Siblings.Count);
        foreach (var sibling in set.Siblings)
        {
            size += Varint.SizeOf((ulong)set.Context.IndexOf(sibling.Dot.NodeId))
                + Varint.SizeOf(sibling.Dot.Counter)
                + 1
                + (sibling.ExpiresAtUnixMs != 0 ? sizeof(long) : 0)
                + (sibling.WrittenAtUnixMs != 0 ? sizeof(long) : 0)
                + Varint.SizeOf((ulong)sibling.Value.Length)
                + sibling.Value.Length;
        }

        return size;
    }

    public static int Write(SiblingSet set, Span<byte> destination)
    {
        destination[0] = Version;
        var at = 1 + ContextCodec.Write(set.Context.Entries, destination[1..]);
        at += Varint.Write(destination[at..], (ulong)set.Siblings.Count);
        foreach (var sibling in set.Siblings)
        {
            at += Varint.Write(destination[at..], (ulong)set.Context.IndexOf(sibling.Dot.NodeId));
            at += Varint.Write(destination[at..], sibling.Dot.Counter);
            var flags = (byte)((sibling.IsTombstone ? TombstoneFlag : 0)
                | (sibling.ExpiresAtUnixMs != 0 ? ExpiryFlag : 0)
                | (sibling.WrittenAtUnixMs != 0 ? WriteTimeFlag : 0));
            destination[at++] = flags;
            if (sibling.ExpiresAtUnixMs != 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[at..], sibling.ExpiresAtUnixMs);
                at += sizeof(long);
            }

            if (sibling.WrittenAtUnixMs != 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[at..], sibling.WrittenAtUnixMs);
                at += sizeof(long);
            }

            at += Varint.Write(destination[at..], (ulong)sibling.Value.Length);
            sibling.Value.Span.CopyTo(destination[at..]);
            at += sibling.Value.Length;
        }

        return at;
    }

    public static byte[] ToArray(SiblingSet set)
    {
        var bytes = new byte[GetSize(set)];
        Write(set, bytes);
        return bytes;
    }

    /// <summary>
    /// Parses a set, copying the values out of <paramref name="source"/>. Throws INVALID_VECTOR_CLOCK
    /// when the bytes are malformed, not canonical, or the context has more than
    /// <paramref name="maxEntries"/> entries.
    /// </summary>
    public static SiblingSet Parse(ReadOnlySpan<byte> source, int maxEntries = int.MaxValue)
    {
        var reader = new FormatReader(source);
        var entryCount = 0;
        if (!reader.TryReadByte(out var version) || version != Version
            || !ContextCodec.TryReadCount(ref reader, maxEntries, out entryCount))
        {
            ThrowMalformed();
        }

        var entries = new Dot[entryCount];
        ulong siblingCount = 0;
        if (!ContextCodec.TryReadEntries(ref reader, entryCount, entries)
            || !reader.TryReadVarint(0, (ulong)(reader.Remaining / MinSiblingSize), out siblingCount))
        {
            ThrowMalformed();
        }

        var siblings = new Sibling[(int)siblingCount];
        for (var i = 0; i < siblings.Length; i++)
        {
            if (!TryReadSibling(ref reader, entries, out var sibling)
                || (i > 0 && siblings[i - 1].Dot.CompareTo(sibling.Dot) >= 0))
            {
                ThrowMalformed();
            }

            siblings[i] = sibling;
        }

        if (!reader.AtEnd)
        {
            ThrowMalformed();
        }

        return SiblingSet.FromCanonical(VersionVector.FromCanonical(entries), siblings);
    }

    private static bool TryReadSibling(ref FormatReader reader, Dot[] entries, [NotNullWhen(true)] out Sibling? sibling)
    {
        sibling = null;
        if (entries.Length == 0
            || !reader.TryReadVarint(0, (ulong)entries.Length - 1, out var index)
            || !reader.TryReadVarint(1, entries[(int)index].Counter, out var counter)
            || !reader.TryReadByte(out var flags)
            || (flags & ~(TombstoneFlag | ExpiryFlag | WriteTimeFlag)) != 0)
        {
            return false;
        }

        long expiresAt = 0;
        if ((flags & ExpiryFlag) != 0 && (!reader.TryReadInt64LittleEndian(out expiresAt) || expiresAt <= 0))
        {
            return false;
        }

        long writtenAt = 0;
        if ((flags & WriteTimeFlag) != 0 && (!reader.TryReadInt64LittleEndian(out writtenAt) || writtenAt <= 0))
        {
            return false;
        }

        if (!reader.TryReadVarint(0, int.MaxValue, out var length) || !reader.TryReadBytes((int)length, out var value))
        {
            return false;
        }

        var dot = new Dot(entries[(int)index].NodeId, counter);
        if ((flags & TombstoneFlag) != 0)
        {
            // A tombstone has neither value nor expiry (it may have a write time): anything else would not round-trip.
            if (length != 0 || expiresAt != 0)
            {
                return false;
            }

            sibling = Sibling.Tombstone(dot, writtenAt);
            return true;
        }

        sibling = Sibling.Live(dot, value.ToArray(), expiresAt, writtenAt);
        return true;
    }

    [DoesNotReturn]
    private static void ThrowMalformed() =>
        PairDbException.Throw(ErrorCode.InvalidVectorClock, "versioned value is malformed (unknown format version, bad encoding or a counter over 2^62) or its context has too many entries");
}
