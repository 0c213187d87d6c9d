using System.Globalization;

namespace PairDb.Chaos.Cluster;

/// <summary>
/// libfaketime (Debian package <c>faketime</c>) preloaded into a host so its wall clock is off by a fixed offset.
/// .NET measures timeouts with the monotonic clock, which must stay real (FAKETIME_DONT_FAKE_MONOTONIC=1) or the
/// runtime's timers misbehave; only DateTime/DateTimeOffset (and so every timestamp the host writes) are skewed.
/// </summary>
public static class FakeTime
{
    private const string Library = "faketime/libfaketime.so.1";

    /// <summary>The library's path, or null when the package is not installed.</summary>
    public static string? LibraryPath() =>
        Directory.Exists("/usr/lib") ? Directory.EnumerateDirectories("/usr/lib").Select(d => Path.Combine(d, Library)).FirstOrDefault(File.Exists) : null;

    /// <summary>The environment that runs a process <paramref name="minutes"/> off (negative: behind).</summary>
    public static IReadOnlyDictionary<string, string> Environment(string library, int minutes) => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = library,
        ["FAKETIME"] = (minutes >= 0 ? "+" : "-") + Math.Abs(minutes).ToString(CultureInfo.InvariantCulture) + "m",
        ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
    };
}
