using System.Globalization;

namespace PairDb.Engine.CommitLog;

/// <summary>Names of segment files: <c>commitlog/segment-{id}.log</c>, id as a zero-padded decimal so names sort.</summary>
internal static class CommitLogPaths
{
    public const string DirectoryName = "commitlog";
    private const string Prefix = "segment-";
    private const string Suffix = ".log";

    public static string SegmentPath(string directory, long segmentId) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{segmentId:D10}{Suffix}"));

    public static bool TryParseSegmentId(string path, out long segmentId)
    {
        var name = Path.GetFileName(path.AsSpan());
        segmentId = 0;
        return name.StartsWith(Prefix, StringComparison.Ordinal)
            && name.EndsWith(Suffix, StringComparison.Ordinal)
            && long.TryParse(name[Prefix.Length..^Suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out segmentId);
    }
}
