using System.Globalization;
using System.Text.RegularExpressions;
using PairDb.Chaos.Network;

namespace PairDb.Chaos.Run;

/// <summary>
/// The run's scratch directory, <c>$TMP/pairdb-chaos-PID</c> (PID of the supervisor, or of the runner when it runs
/// alone). At start, tmpfs mounts and directories of earlier runs whose process is gone are removed.
/// </summary>
public static partial class RunDirectory
{
    public static string For(int pid) => Path.Combine(Path.GetTempPath(), "pairdb-chaos-" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Unmounts every tmpfs under <paramref name="directory"/> (lazily) and deletes it.</summary>
    public static async Task RemoveAsync(string directory)
    {
        foreach (var mount in MountsUnder(directory))
        {
            await Shell.TryAsync("umount", "-l", mount);
        }
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A straggler still writing: the directory is under the temp directory anyway.
        }
    }

    /// <summary>Removes the directories (and their mounts) of runs whose process no longer exists.</summary>
    public static async Task RemoveStaleAsync()
    {
        var parent = Path.GetTempPath();
        foreach (var directory in Directory.EnumerateDirectories(parent, "pairdb-chaos-*"))
        {
            var match = Pid().Match(Path.GetFileName(directory));
            if (match.Success && !Directory.Exists("/proc/" + match.Groups[1].Value))
            {
                await RemoveAsync(directory);
            }
        }
    }

    private static IEnumerable<string> MountsUnder(string directory)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return [];
        }
        var prefix = Path.GetFullPath(directory).TrimEnd('/') + "/";
        return File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 1 && f[1].StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => f[1]).OrderByDescending(m => m.Length).ToArray();
    }

    [GeneratedRegex(@"^pairdb-chaos-(\d+)$")]
    private static partial Regex Pid();
}
