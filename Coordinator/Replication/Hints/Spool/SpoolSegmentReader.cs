namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>
/// Reads a segment's records in order up to the first one that is torn (cut short by a crash) or fails its CRC:
/// everything from there on is unusable, and <see cref="ValidLength"/> says where the good records end.
/// </summary>
public sealed class SpoolSegmentReader(string path)
{
    public long ValidLength { get; private set; }

    /// <summary>Why the tail was cut, or null when the file ended on a record boundary.</summary>
    public string? Damage { get; private set; }

    /// <summary>Each good record: its offset, its whole length (header included) and its body.</summary>
    public IEnumerable<(long Offset, int Length, byte[] Body)> Records()
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        var header = new byte[SpoolRecord.HeaderSize];
        while (true)
        {
            var offset = file.Position;
            var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                yield break;
            }
            var length = read == header.Length ? SpoolRecord.BodyLength(header) : -1;
            if (length < 0 || offset + SpoolRecord.HeaderSize + length > file.Length)
            {
                Damage = read < header.Length ? "torn header" : length < 0 ? "bad length" : "torn record";
                yield break;
            }
            var body = new byte[length];
            file.ReadExactly(body);
            if (!SpoolRecord.ChecksumMatches(header, body) || !IsWellFormed(body))
            {
                Damage = "checksum mismatch";
                yield break;
            }
            ValidLength = file.Position;
            yield return (offset, SpoolRecord.HeaderSize + length, body);
        }
    }

    private static bool IsWellFormed(byte[] body) => SpoolRecord.KindOf(body) switch
    {
        SpoolRecordKind.Hint => SpoolRecord.ParseHint(body) is not null,
        SpoolRecordKind.Done => body.Length == 17,
        _ => false,
    };
}
