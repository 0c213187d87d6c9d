using System.Globalization;

namespace PairDb.Engine.SSTable;

/// <summary>Names of table files: <c>sstables/l{level}/sstable-{id}.sst</c> (the runbook's <c>find -name "*.sst"</c>).</summary>
internal static class SSTablePaths
{
    public const string DirectoryName = "sstables";
    public const int MaxLevels = 7;

    public static string LevelDirectory(string dataDirectory, int level) =>
        Path.Combine(dataDirectory, DirectoryName, string.Create(CultureInfo.InvariantCulture, $"l{level}"));

    public static string TablePath(string dataDirectory, int level, long fileId) =>
        Path.Combine(LevelDirectory(dataDirectory, level), string.Create(CultureInfo.InvariantCulture, $"sstable-{fileId}.sst"));
}
