using System.Globalization;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>How a <see cref="TopologyCluster"/> is started: its size and the coordinator's topology settings.</summary>
internal sealed record TopologySettings
{
    /// <summary>Storage nodes registered (and NORMAL) before the test starts.</summary>
    public int InitialNodes { get; init; } = 3;

    /// <summary>Tokens of each initial node; small keeps plans small and makes disjoint changes possible.</summary>
    public int VirtualNodes { get; init; } = 32;

    /// <summary>PairDb:Topology:CleanupGracePeriod (24 h in production, seconds here).</summary>
    public TimeSpan CleanupGrace { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>PairDb:Topology:MaxStreamMegabytesPerSecond; 0 = unlimited. A cap makes streaming last long enough to act mid-way.</summary>
    public double MaxStreamMegabytesPerSecond { get; init; }

    /// <summary>PairDb:Topology:StreamBatchSize: small batches so that a capped stream persists progress often.</summary>
    public int StreamBatchSize { get; init; } = 100;

    /// <summary>A metadata database the test owns (e.g. on a PostgreSQL it stops); null: a fresh one on the assembly's server.</summary>
    public string? MetadataConnectionString { get; init; }

    /// <summary>More coordinator settings (configuration key to value), applied last.</summary>
    public IReadOnlyDictionary<string, string> Coordinator { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings every storage node of a topology test gets (more may be added per node).</summary>
    public static IReadOnlyDictionary<string, string> NodeSettings { get; } = new Dictionary<string, string>
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>The coordinator's configuration for a test cluster: short probes, jobs and grace.</summary>
    public Dictionary<string, string> CoordinatorSettings(string connectionString, int grpcPort, int httpPort, string stateDirectory)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Metadata"] = connectionString,
            ["PairDb:Coordinator:ListenAddress"] = "127.0.0.1",
            ["PairDb:Coordinator:GrpcPort"] = Invariant(grpcPort),
            ["PairDb:Coordinator:HttpPort"] = Invariant(httpPort),
            ["PairDb:Coordinator:StateDirectory"] = stateDirectory,
            // Per-request framework logs cost CPU on a 2-core machine and bury the lines a failure needs.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["PairDb:Ring:RefreshInterval"] = "00:00:01",
            ["PairDb:HealthProbe:Interval"] = "00:00:00.250",
            ["PairDb:HealthProbe:Timeout"] = "00:00:00.500",
            ["PairDb:Replication:ReplicaTimeout"] = "00:00:02",
            ["PairDb:Replication:BreakerBreakDuration"] = "00:00:01",
            ["PairDb:Hints:ReplayInterval"] = "00:00:00.500",
            ["PairDb:Hints:RetryBackoff"] = "00:00:00.200",
            ["PairDb:Hints:ReplayRatePerSecond"] = "50000",
            ["PairDb:Topology:CleanupGracePeriod"] = CleanupGrace.ToString("c", CultureInfo.InvariantCulture),
            ["PairDb:Topology:CleanupRetryInterval"] = "00:00:01",
            ["PairDb:Topology:StreamBatchSize"] = Invariant(StreamBatchSize),
            ["PairDb:Topology:StreamBuffer"] = Invariant(StreamBatchSize * 4),
            ["PairDb:Topology:MaxConcurrentStreams"] = "2",
            ["PairDb:Topology:MaxStreamMegabytesPerSecond"] = MaxStreamMegabytesPerSecond.ToString(CultureInfo.InvariantCulture),
            ["PairDb:Topology:AutoStart"] = "true",
            // Short job and retry intervals: a restarted coordinator or a returning node is noticed within a second or two.
            ["PairDb:Topology:RunInterval"] = "00:00:00.500",
            ["PairDb:Topology:ProgressInterval"] = "00:00:00.250",
            ["PairDb:Topology:RetryBackoff"] = "00:00:00.200",
            ["PairDb:Topology:MaxRetryBackoff"] = "00:00:01",
            ["PairDb:Topology:ChangeJobInterval"] = "00:00:01",
            ["PairDb:Jobs:IdleWaitTime"] = "00:00:01",
            ["PairDb:Jobs:CheckinInterval"] = "00:00:01",
            ["PairDb:Jobs:CheckinMisfireThreshold"] = "00:00:02",
        };
        foreach (var (key, value) in Coordinator)
        {
            settings[key] = value;
        }
        return settings;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
