using System.Globalization;

namespace PairDb.Client.Tooling;

// Faults for the chaos tool: a crash (SIGKILL of the postmaster and every backend, as a power cut would leave it)
// and a pause (SIGSTOP/SIGCONT of all of them). Linux only: the processes are found through /proc.
public sealed partial class LocalPostgres
{
    /// <summary>The postmaster's PID from <c>postmaster.pid</c>; null when the server is not running.</summary>
    public int? PostmasterPid
    {
        get
        {
            try
            {
                var first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault();
                return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}") ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <summary>The postmaster and its children (backends, checkpointer, WAL writer, ...); empty when not running.</summary>
    public IReadOnlyList<int> ServerPids()
    {
        if (PostmasterPid is not { } postmaster)
        {
            return [];
        }
        var pids = new List<int> { postmaster };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) == postmaster)
            {
                pids.Add(pid);
            }
        }
        return pids;
    }

    /// <summary>
    /// SIGKILL of the postmaster and all its children, then waits until they are gone (their shared memory would
    /// refuse a new postmaster). <see cref="StartAgainAsync"/> then runs crash recovery on the same data and port.
    /// </summary>
    public async Task KillAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var pids = ServerPids();
        foreach (var pid in pids)
        {
            UnixSignal.Send(pid, UnixSignal.KillSignal);
        }
        _running = false;
        var deadline = DateTime.UtcNow + timeout;
        while (pids.Any(pid => Directory.Exists($"/proc/{pid}") && !IsZombie(pid)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new LocalPostgresException($"PostgreSQL processes {string.Join(' ', pids)} still alive {timeout.TotalSeconds:0}s after SIGKILL");
            }
            await Task.Delay(50, cancellationToken);
        }
        // A killed postmaster may stay a zombie when nothing reaps orphans (PID 1 of a container), and PostgreSQL
        // takes a lock file naming a PID that still exists for a live server. Every process is dead: the data
        // directory's and the unix socket's lock files are stale.
        File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
        foreach (var socketLock in Directory.EnumerateFiles(SocketDirectory, ".s.PGSQL.*.lock"))
        {
            File.Delete(socketLock);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. SIGSTOP 19, SIGCONT 18) to the postmaster and all its children.</summary>
    public int Signal(int signal)
    {
        var sent = 0;
        foreach (var pid in ServerPids())
        {
            sent += UnixSignal.Send(pid, signal) ? 1 : 0;
        }
        return sent;
    }

    private static int? ParentOf(int pid) => StatField(pid, 1) is { } ppid && int.TryParse(ppid, NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;

    private static bool IsZombie(int pid) => StatField(pid, 0) == "Z";

    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
    private static string? StatField(int pid, int indexAfterComm)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return rest.Length > indexAfterComm ? rest[indexAfterComm] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
