using System.Text;

namespace PairDb.Contracts.Versioning;

/// <summary>
/// The context entries shared by both formats: varint count, then per entry varint node-id length,
/// node-id ASCII bytes, varint counter. Entries strictly ascending by node id, counters in
/// 1..<see cref="Dot.MaxCounter"/>.
/// </summary>
internal static class ContextCodec
{
    public static int GetSize(ReadOnlySpan<Dot> entries)
    {
        var size = Varint.SizeOf((ulong)entries.Length);
        foreach (var entry in entries)
        {
            size += Varint.SizeOf((ulong)entry.NodeId.Length) + entry.NodeId.Length + Varint.SizeOf(entry.Counter);
        }

        return size;
    }

    public static int Write(ReadOnlySpan<Dot> entries, Span<byte> destination)
    {
        var at = Varint.Write(destination, (ulong)entries.Length);
        foreach (var entry in entries)
        {
            at += Varint.Write(destination[at..], (ulong)entry.NodeId.Length);
            at += Encoding.ASCII.GetBytes(entry.NodeId, destination[at..]);
            at += Varint.Write(destination[at..], entry.Counter);
        }

        return at;
    }

    /// <summary>The fewest bytes an entry takes: length, one id byte, counter.</summary>
    public const int MinEntrySize = 3;

    /// <summary>
    /// Reads just the entry count; false when the header is malformed, over the limit, or claims more
    /// entries than the remaining bytes can hold (so a hostile count cannot make us allocate).
    /// </summary>
    public static bool TryReadCount(ref FormatReader reader, int maxEntries, out int count)
    {
        count = 0;
        if (!reader.TryReadVarint(0, (ulong)maxEntries, out var value) || value > (ulong)(reader.Remaining / MinEntrySize))
        {
            return false;
        }

        count = (int)value;
        return true;
    }

    /// <summary>
    /// Checks <paramref name="count"/> entries and, when <paramref name="output"/> is given, fills it.
    /// Allocates only the node-id strings of the output.
    /// </summary>
    public static bool TryReadEntries(ref FormatReader reader, int count, Dot[]? output)
    {
        ReadOnlySpan<byte> previous = default;
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadVarint(1, NodeIds.MaxLength, out var length)
                || !reader.TryReadBytes((int)length, out var nodeId)
                || !NodeIds.IsValid(nodeId)
                || (i > 0 && previous.SequenceCompareTo(nodeId) >= 0)
                || !reader.TryReadVarint(1, Dot.MaxCounter, out var counter))
            {
                return false;
            }

            previous = nodeId;
            if (output is not null)
            {
                output[i] = new Dot(Encoding.ASCII.GetString(nodeId), counter);
            }
        }

        return true;
    }
}
