using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Versioning;

/// <summary>
/// The opaque client context: <c>[version = 1][varint count]{[varint len][node id][varint counter]}*</c>.
/// Zero bytes also mean the empty context (a blind write), so clients can send nothing. Counters are
/// 1..<see cref="Dot.MaxCounter"/>; any other version byte is rejected (no format but 1 exists).
/// </summary>
public static class VersionVectorFormat
{
    public const byte Version = 1;

    public static int GetSize(VersionVector context) => 1 + ContextCodec.GetSize(context.Entries);

    public static int Write(VersionVector context, Span<byte> destination)
    {
        destination[0] = Version;
        return 1 + ContextCodec.Write(context.Entries, destination[1..]);
    }

    public static byte[] ToArray(VersionVector context)
    {
        var bytes = new byte[GetSize(context)];
        Write(context, bytes);
        return bytes;
    }

    /// <summary>
    /// Parses a context; throws INVALID_VECTOR_CLOCK when malformed (including a counter over
    /// <see cref="Dot.MaxCounter"/> or an unknown version) or longer than <paramref name="maxEntries"/>.
    /// </summary>
    public static VersionVector Parse(ReadOnlySpan<byte> source, int maxEntries = int.MaxValue)
    {
        if (source.IsEmpty)
        {
            return VersionVector.Empty;
        }

        var reader = new FormatReader(source);
        if (!TryReadHeader(ref reader, maxEntries, out var count))
        {
            ThrowMalformed();
        }

        var entries = new Dot[count];
        if (!ContextCodec.TryReadEntries(ref reader, count, entries) || !reader.AtEnd)
        {
            ThrowMalformed();
        }

        return VersionVector.FromCanonical(entries);
    }

    /// <summary>The full check of <see cref="Parse"/> without allocating.</summary>
    public static bool IsValid(ReadOnlySpan<byte> source, int maxEntries = int.MaxValue)
    {
        if (source.IsEmpty)
        {
            return true;
        }

        var reader = new FormatReader(source);
        return TryReadHeader(ref reader, maxEntries, out var count)
            && ContextCodec.TryReadEntries(ref reader, count, output: null)
            && reader.AtEnd;
    }

    /// <summary>Reads only the version byte and entry count (cheap; used for size limits).</summary>
    public static bool TryReadEntryCount(ReadOnlySpan<byte> source, out int count)
    {
        if (source.IsEmpty)
        {
            count = 0;
            return true;
        }

        var reader = new FormatReader(source);
        return TryReadHeader(ref reader, int.MaxValue, out count);
    }

    private static bool TryReadHeader(ref FormatReader reader, int maxEntries, out int count)
    {
        count = 0;
        return reader.TryReadByte(out var version)
            && version == Version
            && ContextCodec.TryReadCount(ref reader, maxEntries, out count);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowMalformed() =>
        PairDbException.Throw(ErrorCode.InvalidVectorClock, "context is malformed (unknown format version, bad encoding or a counter over 2^62) or has too many entries");
}
