using PairDb.Engine.CommitLog;

namespace PairDb.Engine.Tests;

/// <summary>Finds segments and record boundaries in a data directory, for damaging them on purpose.</summary>
internal static class CommitLogFiles
{
    public static string[] Segments(string dataDirectory)
    {
        var files = Directory.GetFiles(Path.Combine(dataDirectory, "commitlog"), "segment-*.log");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>The segment holding records, with (offset, length) of each.</summary>
    public static (string Path, List<(int Offset, int Length)> Records) SegmentWithRecords(string dataDirectory)
    {
        foreach (var path in Segments(dataDirectory))
        {
            var records = Records(File.ReadAllBytes(path));
            if (records.Count > 0)
            {
                return (path, records);
            }
        }

        throw new InvalidOperationException("no segment holds records");
    }

    public static List<(int Offset, int Length)> Records(byte[] segment)
    {
        var result = new List<(int, int)>();
        var offset = CommitLogSegmentHeader.Size;
        while (offset + CommitLogRecordHeader.Size <= segment.Length)
        {
            var header = CommitLogRecordHeader.Parse(segment.AsSpan(offset));
            if (header.IsZero)
            {
                break;
            }

            var length = CommitLogRecordHeader.Size + (int)header.PayloadLength;
            result.Add((offset, length));
            offset += length;
        }

        return result;
    }

    public static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, destination, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(source, destination, StringComparison.Ordinal), overwrite: true);
        }
    }
}
