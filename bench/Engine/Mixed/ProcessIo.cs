using System.Globalization;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>
/// Bytes this process (every thread, native ones included) caused to be written to storage, from
/// <c>/proc/self/io</c>'s <c>write_bytes</c>: counted when a page is dirtied, whether or not the file is deleted
/// before writeback. The same measure for every engine, so write amplification compares like for like.
/// </summary>
public static class ProcessIo
{
    public static bool Available => File.Exists("/proc/self/io");

    public static long WriteBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public static long DirectorySize(string directory)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }

        return total;
    }
}
