using System.Globalization;

namespace PairDb.StorageNode.Recovery;

/// <summary>
/// Parses the SSTable names operators pass to the recovery endpoints: <c>sstable-123.sst</c> (what
/// <c>integrity/scan-all</c> reports as file_name), its full path, or the bare id <c>123</c>.
/// </summary>
public static class TableNames
{
    private const string Prefix = "sstable-";
    private const string Suffix = ".sst";

    public static bool TryParseId(string? name, out long fileId)
    {
        fileId = 0;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var text = Path.GetFileName(name.Trim());
        if (text.StartsWith(Prefix, StringComparison.Ordinal) && text.EndsWith(Suffix, StringComparison.Ordinal))
        {
            text = text[Prefix.Length..^Suffix.Length];
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out fileId) && fileId > 0;
    }
}
