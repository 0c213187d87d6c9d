using System.Globalization;
using PairDb.Engine.IO;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Manifest;

/// <summary>A <c>.sst</c> file found under <c>sstables/l{level}/</c>; <see cref="FileId"/> is null when its name is not <c>sstable-{id}.sst</c>.</summary>
internal readonly record struct TableFile(string Path, int Level, long? FileId);

/// <summary>The table files actually on disk, whatever the manifest says.</summary>
internal static class TableFiles
{
    private const string Prefix = "sstable-";
    private const string Suffix = ".sst";

    public static List<TableFile> List(IStorageFileSystem fileSystem, string dataDirectory)
    {
        var found = new List<TableFile>();
        for (var level = 0; level < SSTablePaths.MaxLevels; level++)
        {
            var files = fileSystem.ListFiles(SSTablePaths.LevelDirectory(dataDirectory, level), "*" + Suffix);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var path in files)
            {
                found.Add(new TableFile(path, level, ParseId(System.IO.Path.GetFileName(path))));
            }
        }

        return found;
    }

    /// <summary>The id of a name exactly as <see cref="SSTablePaths.TablePath"/> writes it (no sign, no leading zeros).</summary>
    private static long? ParseId(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 && digits[0] != '0' ? id : null;
    }
}
