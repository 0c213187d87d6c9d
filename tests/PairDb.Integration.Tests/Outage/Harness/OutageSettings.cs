namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>The coordinator settings of the outage tests: the outage settings of issue 15, shortened.</summary>
internal static class OutageSettings
{
    /// <summary>PairDb:Hints:StoreBudget: how long a hint waits for PostgreSQL before it is spooled locally.</summary>
    public static readonly TimeSpan HintStoreBudget = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The bound each client put must finish within while PostgreSQL is down or slow: the hint budget plus
    /// normal latency, generous for a loaded 2-core machine. A bound that fails only when a put waits for
    /// PostgreSQL (a lock held for the whole test, a server that is not there), not a timing figure.
    /// </summary>
    public static readonly TimeSpan PutBound = TimeSpan.FromSeconds(5);

    public static Dictionary<string, string> Coordinator(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["PairDb:Hints:StoreBudget"] = HintStoreBudget.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:Hints:SpoolDrainInterval"] = "00:00:00.250",
            ["PairDb:Metadata:ProbeInterval"] = "00:00:00.250",
            ["PairDb:Metadata:ProbeTimeout"] = "00:00:00.500",
            ["PairDb:Ring:RefreshInterval"] = "00:00:01",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return settings;
    }
}
