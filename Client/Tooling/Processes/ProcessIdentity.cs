using System.Globalization;
using PairDb.Client.Tooling.Cluster;

namespace PairDb.Client.Tooling;

/// <summary>
/// Recognises a process recorded earlier, after our own process is long gone: its PID must still
/// name a live process with the same kernel start time and a command line holding the recorded
/// marker. A PID the kernel has handed to something else is never signalled.
/// </summary>
public static class ProcessIdentity
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Records <paramref name="pid"/> as it is now; null when it is not running.</summary>
    public static ManagedProcess? Capture(int pid, string commandLineMarker, string logPath)
    {
        var ticks = ReadStartTicks(pid);
        return ticks is null ? null : new ManagedProcess { Pid = pid, StartTicks = ticks.Value, CommandLineMarker = commandLineMarker, LogPath = logPath };
    }

    /// <summary>True when the recorded process is still running (a zombie has exited: it is not).</summary>
    public static bool IsRunning(ManagedProcess? process)
    {
        if (process is null || process.Pid <= 0)
        {
            return false;
        }
        return ReadStartTicks(process.Pid) == process.StartTicks && CommandLine(process.Pid).Contains(process.CommandLineMarker, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the recorded process if it is still that process, waits up to
    /// <paramref name="grace"/> for it to exit, then SIGKILLs it. Returns false when it was not running.
    /// </summary>
    public static async Task<bool> StopAsync(ManagedProcess? process, int signal, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!IsRunning(process))
        {
            return false;
        }
        UnixSignal.Send(process!.Pid, signal);
        if (await WaitExitAsync(process, grace, cancellationToken))
        {
            return true;
        }
        if (IsRunning(process))
        {
            UnixSignal.Send(process.Pid, UnixSignal.KillSignal);
        }
        if (!await WaitExitAsync(process, TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new ClusterException($"pid {process.Pid} ({process.CommandLineMarker}) is still running 10 s after SIGKILL");
        }
        return true;
    }

    /// <summary>SIGKILLs the recorded process (as a crash would) and waits until it is gone.</summary>
    public static Task<bool> KillAsync(ManagedProcess? process, CancellationToken cancellationToken = default) =>
        StopAsync(process, UnixSignal.KillSignal, TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Waits until the process is no longer running; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> WaitExitAsync(ManagedProcess process, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var ticks = new PeriodicTimer(PollInterval);
        while (IsRunning(process))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await ticks.WaitForNextTickAsync(cancellationToken);
        }
        return true;
    }

    /// <summary>Field 22 of /proc/PID/stat; null when the process does not exist or is a zombie.</summary>
    public static long? ReadStartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state), so field 22 is fields[19].
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return null;
        }
        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
