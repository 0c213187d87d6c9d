using System.Globalization;

namespace PairDb.Engine.Diagnostics;

/// <summary>Human units as the runbook prints them: <c>64MB</c>, <c>2.5s</c>.</summary>
internal static class Sizes
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#}GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#}MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.#}KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes}B"),
    };

    public static string Duration(TimeSpan duration) =>
        string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s");
}
