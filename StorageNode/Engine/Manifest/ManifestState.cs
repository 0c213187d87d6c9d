using System.Buffers.Binary;

namespace PairDb.Engine.Manifest;

/// <summary>
/// The durable description of the database: every live table, the next file id, the flushed sequence
/// (every commit-log entry at or below it is in a live table) and the sequence-to-time points. Body layout
/// (version 2): <c>[i64 nextFileId][i64 flushedSequence][u32 tableCount][ManifestTableRecord × tableCount]
/// [u32 pointCount][SequenceTimePoint × pointCount]</c>; a version 1 body ends after the tables.
/// </summary>
internal sealed record ManifestState(long NextFileId, long FlushedSequence, IReadOnlyList<ManifestTableRecord> Tables)
{
    public static ManifestState Empty { get; } = new(1, 0, []);

    /// <summary>Ascending in both sequence and time; thinned by <see cref="Compaction.SequenceTimeline"/>.</summary>
    public IReadOnlyList<SequenceTimePoint> SequenceTimes { get; init; } = [];

    public int BodySize => 24 + (Tables.Count * ManifestTableRecord.Size) + (SequenceTimes.Count * SequenceTimePoint.Size);

    public void WriteBody(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, NextFileId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], FlushedSequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], Tables.Count);
        var p = 20;
        for (var i = 0; i < Tables.Count; i++, p += ManifestTableRecord.Size)
        {
            Tables[i].Write(destination[p..]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination[p..], SequenceTimes.Count);
        p += 4;
        for (var i = 0; i < SequenceTimes.Count; i++, p += SequenceTimePoint.Size)
        {
            SequenceTimes[i].Write(destination[p..]);
        }
    }

    /// <summary>Null when the body does not have the layout of <paramref name="version"/>.</summary>
    public static ManifestState? ParseBody(ReadOnlySpan<byte> body, uint version = ManifestHeader.CurrentVersion)
    {
        if (body.Length < 20)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        var tablesEnd = 20 + ((long)count * ManifestTableRecord.Size);
        if (count < 0 || body.Length < tablesEnd)
        {
            return null;
        }

        var tables = new ManifestTableRecord[count];
        for (var i = 0; i < count; i++)
        {
            tables[i] = ManifestTableRecord.Parse(body[(20 + (i * ManifestTableRecord.Size))..]);
        }

        // Version 1 has no sequence-time section; version 2 always writes one (possibly empty) but a
        // version 2 body ending after the tables has always been read as "no points", and still is.
        var points = Array.Empty<SequenceTimePoint>();
        if (version == 1 && body.Length != tablesEnd)
        {
            return null;
        }

        if (body.Length != tablesEnd)
        {
            var rest = body[(int)tablesEnd..];
            var pointCount = rest.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(rest) : -1;
            if (pointCount < 0 || rest.Length != 4 + ((long)pointCount * SequenceTimePoint.Size))
            {
                return null;
            }

            points = new SequenceTimePoint[pointCount];
            for (var i = 0; i < pointCount; i++)
            {
                points[i] = SequenceTimePoint.Parse(rest[(4 + (i * SequenceTimePoint.Size))..]);
            }
        }

        return new ManifestState(BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]), tables) { SequenceTimes = points };
    }
}
