using System.Diagnostics;
using Grpc.Core;
using Npgsql;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// Waits for a condition, polling, and fails with what it waited for and what it last saw. A probe
/// that throws a transport error (a process restarting) counts as "not yet".
/// </summary>
internal static class Until
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="probe"/> until it reports done; returns the elapsed time.</summary>
    public static async Task<TimeSpan> DoneAsync(Func<Task<(bool Done, string Observed)>> probe, string waitingFor, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(Poll);
        var observed = "nothing observed yet";
        while (true)
        {
            try
            {
                var (done, seen) = await probe();
                observed = seen;
                if (done)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or NpgsqlException or TaskCanceledException)
            {
                observed = $"{e.GetType().Name}: {e.Message}";
            }
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0}s waiting for {waitingFor}; last observed: {observed}");
            }
            await ticks.WaitForNextTickAsync();
        }
    }
}
