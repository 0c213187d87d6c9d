using System.Globalization;

namespace PairDb.StorageNode.Disk;

/// <summary>Human figures for log lines: <c>82.5</c> for percentages, <c>175GB</c> for sizes.</summary>
internal static class Sizes
{
    public static string Percent(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Whole units of the largest unit that keeps the figure at least 1 (GB, MB, KB, B), as the runbook writes <c>175GB</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes >> 30).ToString(CultureInfo.InvariantCulture) + "GB",
        >= 1L << 20 => (bytes >> 20).ToString(CultureInfo.InvariantCulture) + "MB",
        >= 1L << 10 => (bytes >> 10).ToString(CultureInfo.InvariantCulture) + "KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + "B",
    };
}
