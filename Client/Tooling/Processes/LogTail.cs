namespace PairDb.Client.Tooling;

/// <summary>Reads the last lines of a log file that another process may still be writing.</summary>
public static class LogTail
{
    private const int MaxBytes = 64 * 1024;

    public static string Read(string path, int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lines);
        if (!File.Exists(path))
        {
            return $"(no log file at {path})";
        }
        // Share ReadWrite: the host keeps the file open for appending while we look at it.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - MaxBytes);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var all = text.Split('\n');
        var end = all.Length;
        if (end > 0 && all[end - 1].Length == 0)
        {
            end--;
        }
        var first = Math.Max(0, end - lines);
        if (end == 0)
        {
            return "(log is empty)";
        }
        return string.Join('\n', all, first, end - first);
    }
}
