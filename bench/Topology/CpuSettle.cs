using System.Diagnostics;
using PairDb.Bench.Load;

namespace PairDb.Bench.Topology;

/// <summary>
/// Waits until the server processes are nearly idle (flushes and compactions a load left behind are done), so the
/// "before" window measures the cluster at rest rather than its aftermath; bounded, and says what it saw.
/// </summary>
public static class CpuSettle
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Returns the time waited and the servers' CPU (cores) in the last one-second window.</summary>
    public static async Task<(TimeSpan Waited, double Cores)> WaitAsync(CpuMeter servers, double idleCores, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var cores = double.NaN;
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            var sample = servers.Take();
            await Task.Delay(Window, cancellationToken);
            cores = servers.Since(sample).Servers;
            if (double.IsNaN(cores) || cores <= idleCores)
            {
                break;
            }
        }

        return (Stopwatch.GetElapsedTime(started), cores);
    }
}
