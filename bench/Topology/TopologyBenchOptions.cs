using System.Globalization;

namespace PairDb.Bench.Topology;

/// <summary>Command line of <c>pairdb bench topology</c>.</summary>
public sealed class TopologyBenchOptions
{
    public const string Usage =
        "usage: pairdb bench topology [--gib 1] [--keys N] [--value-size 1024] [--duration 10] [--rate 400]\n" +
        "                             [--skip-streaming] [--skip-cluster] [--data DIR] [--bootstrap-timeout 600] [--seed N]\n" +
        "                             [--durability sync|periodic]   (the streaming part's two nodes; default sync)\n" +
        "                             [--stream-cap MBPS] [--max-streams N]   (coordinator PairDb:Topology:MaxStreamMegabytesPerSecond,\n" +
        "                             MaxConcurrentStreams for the bootstrap; default: the coordinator's, unlimited and 2)\n" +
        "  streaming: two storage nodes, source loaded directly, FetchRanges of the whole ring (1 and 2 streams);\n" +
        "  cluster: PostgreSQL + coordinator + 3 nodes loaded through the coordinator, AddStorageNode of a 4th,\n" +
        "  client p99 of a paced read/write load before vs during the bootstrap.";

    public const int KeySize = 16;

    /// <summary>
    /// Data set size in GiB of values (keys = gib * 2^30 / value size) unless <see cref="Keys"/> is given. The default is
    /// issue 8's size; a run takes about 4 minutes on a 2-core machine (the cluster load writes 3 replicas).
    /// </summary>
    public double Gib { get; private set; } = 1;

    public long? ExplicitKeys { get; private set; }

    public int ValueSize { get; private set; } = 1024;

    /// <summary>The "before" window of the client load (the "during" window lasts as long as the bootstrap).</summary>
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Client operations per second (half reads of loaded keys, half inserts of new ones).</summary>
    public double Rate { get; private set; } = 400;

    public bool SkipStreaming { get; private set; }

    /// <summary>Commit-log durability of the streaming part's two nodes (the node default, Sync, unless changed to see what fsyncs cost).</summary>
    public Node.NodeDurability Durability { get; private set; } = Node.NodeDurability.Sync;

    public bool SkipCluster { get; private set; }

    /// <summary>Parent of the scratch directories (removed afterwards); default the temp path.</summary>
    public string DataDirectory { get; private set; } = Path.GetTempPath();

    /// <summary>Longest wait for one bootstrap before it counts as failed.</summary>
    public TimeSpan BootstrapTimeout { get; private set; } = TimeSpan.FromMinutes(10);

    public int Seed { get; private set; } = 20_261_126;

    /// <summary>PairDb:Topology:MaxStreamMegabytesPerSecond for the cluster's coordinator; null = its default (unlimited).</summary>
    public double? StreamCap { get; private set; }

    /// <summary>PairDb:Topology:MaxConcurrentStreams for the cluster's coordinator; null = its default (2).</summary>
    public int? MaxStreams { get; private set; }

    /// <summary>The coordinator configuration the options above ask for.</summary>
    public IReadOnlyList<string> CoordinatorArguments
    {
        get
        {
            var arguments = new List<string>(2);
            if (StreamCap is { } cap)
            {
                arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--PairDb:Topology:MaxStreamMegabytesPerSecond={cap}"));
            }

            if (MaxStreams is { } streams)
            {
                arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--PairDb:Topology:MaxConcurrentStreams={streams}"));
            }

            return arguments;
        }
    }

    public long Keys => ExplicitKeys ?? Math.Max(1, (long)(Gib * (1L << 30) / ValueSize));

    /// <summary>Bytes of values the data set holds (what "1 GiB" means here; keys and versions add a little).</summary>
    public long ValueBytes => Keys * ValueSize;

    public double DataGib => ValueBytes / (double)(1L << 30);

    public static bool TryParse(ReadOnlySpan<string> args, out TopologyBenchOptions options, out string error)
    {
        options = new TopologyBenchOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--skip-cluster": options.SkipCluster = true; continue;
                case "--skip-streaming": options.SkipStreaming = true; continue;
                default: break;
            }

            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }

            var value = args[++i];
            if (name == "--data")
            {
                options.DataDirectory = Path.GetFullPath(value);
                continue;
            }

            if (name == "--durability")
            {
                if (!Enum.TryParse<Node.NodeDurability>(value, ignoreCase: true, out var durability))
                {
                    error = $"--durability must be sync or periodic, got '{value}'";
                    return false;
                }

                options.Durability = durability;
                continue;
            }

            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                error = $"option '{name}' needs a positive number, got '{value}'";
                return false;
            }

            switch (name)
            {
                case "--gib": options.Gib = number; break;
                case "--keys": options.ExplicitKeys = (long)number; break;
                case "--value-size": options.ValueSize = (int)number; break;
                case "--duration": options.Duration = TimeSpan.FromSeconds(number); break;
                case "--rate": options.Rate = number; break;
                case "--bootstrap-timeout": options.BootstrapTimeout = TimeSpan.FromSeconds(number); break;
                case "--seed": options.Seed = (int)number; break;
                case "--stream-cap": options.StreamCap = number; break;
                case "--max-streams": options.MaxStreams = (int)number; break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        if (options.SkipCluster && options.SkipStreaming)
        {
            error = "--skip-cluster and --skip-streaming together leave nothing to run";
            return false;
        }

        if (!Directory.Exists(options.DataDirectory))
        {
            error = $"--data {options.DataDirectory}: no such directory";
            return false;
        }

        return true;
    }
}
