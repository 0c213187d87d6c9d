using System.Diagnostics;
using NUnit.Framework;

namespace PairDb.Testing;

/// <summary>
/// Polls a condition until it holds, and fails the test with what it waited for when the time is up:
/// the one way tests here wait for something another process or thread makes true.
/// </summary>
public static class WaitFor
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public static async Task ConditionAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        await ValueAsync(condition, static done => done, what, timeout);
    }

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public static Task ConditionAsync(Func<bool> condition, string what, TimeSpan timeout) =>
        ConditionAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls <paramref name="get"/> until <paramref name="done"/> accepts its answer, and returns that answer.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> get, Func<T, bool> done, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(Poll);
        while (true)
        {
            var value = await get();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last answer: {value}");
            }

            await ticks.WaitForNextTickAsync();
        }
    }
}
