namespace PairDb.Integration.Tests.Support;

/// <summary>
/// libfaketime (Debian package <c>faketime</c>, installed by <c>./pairdb test</c>): a process started with these
/// variables sees its wall clock shifted (DateTime.UtcNow included), while its monotonic clock (Stopwatch, timers)
/// is left alone so timeouts and periodic work behave.
/// </summary>
internal static class FakeTime
{
    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    ];

    /// <summary>The environment of a process whose wall clock runs <paramref name="offset"/> (e.g. "+3h") off; fails the test without libfaketime.</summary>
    public static IReadOnlyDictionary<string, string> Shifted(string offset)
    {
        var library = Array.Find(Candidates, File.Exists);
        if (library is null)
        {
            Assert.Fail("libfaketime is missing (looked for " + string.Join(", ", Candidates) + "): install it with `apt-get install -y faketime` (./pairdb test does)");
        }
        return new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = library!,
            ["FAKETIME"] = offset,
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
        };
    }
}
