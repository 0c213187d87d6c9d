namespace PairDb.Engine;

/// <summary>Result of a full integrity scan (the runbook's <c>integrity/scan-all</c>): corrupt files with the offsets of their bad blocks.</summary>
public sealed record IntegrityReport(int TablesScanned, long BlocksScanned, long BytesScanned, TimeSpan Duration, IReadOnlyList<CorruptFileReport> CorruptFiles)
{
    public bool IsClean => CorruptFiles.Count == 0;
}

/// <summary>One file that failed verification; <see cref="FileName"/> is what <c>recovery/restore-from-replica</c> takes.</summary>
public sealed record CorruptFileReport(string FilePath, IReadOnlyList<CorruptBlock> Blocks)
{
    public string FileName => Path.GetFileName(FilePath);
}

/// <summary>A block whose CRC did not match (Expected/Actual set) or whose structure could not be read (Reason).</summary>
public sealed record CorruptBlock(long Offset, uint Expected, uint Actual, string Reason);

/// <summary>Progress of a running scan.</summary>
public sealed record IntegrityScanProgress(int TablesDone, int TablesTotal, long BytesDone, long BytesTotal)
{
    public double Percent => BytesTotal == 0 ? 100 : Math.Min(100.0, 100.0 * BytesDone / BytesTotal);
}

/// <summary>Order-sensitive 128-bit digest of the live entries of a key range, for comparing replicas.</summary>
public sealed record KeyRangeDigest(string Digest, long Entries, long Bytes);
