using System.Buffers.Binary;

namespace PairDb.Engine.Manifest;

/// <summary>
/// The durable description of the database: every live table, the next file id, and the flushed sequence
/// (every commit-log entry at or below it is in a live table). Body layout:
/// <c>[i64 nextFileId][i64 flushedSequence][u32 tableCount][ManifestTableRecord × tableCount]</c>.
/// </summary>
internal sealed record ManifestState(long NextFileId, long FlushedSequence, IReadOnlyList<ManifestTableRecord> Tables)
{
    public static ManifestState Empty { get; } = new(1, 0, []);

    public int BodySize => 20 + (Tables.Count * ManifestTableRecord.Size);

    public void WriteBody(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, NextFileId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], FlushedSequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], Tables.Count);
        for (var i = 0; i < Tables.Count; i++)
        {
            Tables[i].Write(destination[(20 + (i * ManifestTableRecord.Size))..]);
        }
    }

    public static ManifestState? ParseBody(ReadOnlySpan<byte> body)
    {
        if (body.Length < 20)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        if (count < 0 || body.Length != 20 + ((long)count * ManifestTableRecord.Size))
        {
            return null;
        }

        var tables = new ManifestTableRecord[count];
        for (var i = 0; i < count; i++)
        {
            tables[i] = ManifestTableRecord.Parse(body[(20 + (i * ManifestTableRecord.Size))..]);
        }

        return new ManifestState(BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]), tables);
    }
}
