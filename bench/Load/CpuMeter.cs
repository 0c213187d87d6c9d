using System.Diagnostics;
using System.Globalization;

namespace PairDb.Bench.Load;

/// <summary>CPU used during a phase, in cores (1.0 = one core busy for the whole phase).</summary>
public readonly record struct CpuUsage(double Client, double Servers, double Other, int MachineCores)
{
    public static CpuUsage Unknown => new(double.NaN, double.NaN, double.NaN, Environment.ProcessorCount);
}

/// <summary>
/// Samples CPU time of this process, of the server processes we started (when we know their pids), and of
/// the whole machine from /proc/stat: "other" is what neither side used, i.e. other tenants of the machine,
/// the figure that says how noisy a run was.
/// </summary>
public sealed class CpuMeter(IReadOnlyList<int> serverPids)
{
    public static CpuMeter ClientOnly { get; } = new([]);

    public Sample Take() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime, ServerTime(), MachineBusy());

    public CpuUsage Since(Sample start)
    {
        var end = Take();
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        if (wall <= 0)
        {
            return CpuUsage.Unknown;
        }

        var client = (end.Client - start.Client).TotalSeconds / wall;
        var servers = serverPids.Count == 0 || start.Servers is null || end.Servers is null
            ? double.NaN
            : (end.Servers.Value - start.Servers.Value).TotalSeconds / wall;
        var other = double.NaN;
        if (start.MachineBusy is { } before && end.MachineBusy is { } after)
        {
            var machine = (after - before).TotalSeconds / wall;
            other = Math.Max(0, machine - client - (double.IsNaN(servers) ? 0 : servers));
        }

        return new CpuUsage(client, servers, other, Environment.ProcessorCount);
    }

    private TimeSpan? ServerTime()
    {
        var total = TimeSpan.Zero;
        foreach (var pid in serverPids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                total += process.TotalProcessorTime;
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        return total;
    }

    /// <summary>Busy time of all cores from the first line of /proc/stat (user nice system idle iowait irq softirq steal ...).</summary>
    private static TimeSpan? MachineBusy()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                if (i is 4 or 5)
                {
                    continue; // idle, iowait
                }

                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }

            // USER_HZ is 100 on every Linux we run on.
            return TimeSpan.FromSeconds(busy / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public readonly record struct Sample(long Timestamp, TimeSpan Client, TimeSpan? Servers, TimeSpan? MachineBusy);
}
