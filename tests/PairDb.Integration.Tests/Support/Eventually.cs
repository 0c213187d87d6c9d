using System.Diagnostics;

namespace PairDb.Integration.Tests.Support;

/// <summary>Waits for a condition, polling, and fails with what it waited for when the time is up.</summary>
internal static class Eventually
{
    public static async Task WaitAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0}s waiting for {waitingFor}");
            }
            await ticks.WaitForNextTickAsync();
        }
    }
}
