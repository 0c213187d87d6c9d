using System.Globalization;

namespace PairDb.Bench.Node;

/// <summary>Which commit-log durability the locally started node runs with.</summary>
public enum NodeDurability
{
    Sync,
    Periodic,
}

/// <summary>Command line of <c>pairdb bench node</c>.</summary>
public sealed class NodeBenchOptions
{
    public const string Usage =
        "usage: pairdb bench node [--target HOST:PORT] [--admin HOST:PORT] [--callers 64] [--channels 2]\n" +
        "                         [--ops N] [--duration S] [--batch 16] [--value-size 100] [--warmup S]\n" +
        "                         [--durability sync|periodic|both] [--rate CALLS_PER_S] [--seed N]";

    /// <summary>A running node's gRPC endpoint; null starts a node of our own.</summary>
    public Uri? Target { get; private set; }

    /// <summary>The HTTP admin endpoint of <see cref="Target"/>, for server-side figures from /metrics.</summary>
    public Uri? Admin { get; private set; }

    public int Callers { get; private set; } = 64;

    public int Channels { get; private set; } = 2;

    /// <summary>Items per phase (a batch phase makes ops / batch calls); null = run for <see cref="Duration"/>.</summary>
    public long? Ops { get; private set; }

    /// <summary>Time cap per phase; defaults to 10 seconds when no --ops is given.</summary>
    public TimeSpan? Duration { get; private set; }

    public int Batch { get; private set; } = 16;

    public int KeySize { get; } = 16;

    public int ValueSize { get; private set; } = 100;

    /// <summary>Untimed load per phase kind before the timed phases (JIT tier-up on both sides, connections open).</summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(1);

    /// <summary>Default: the node's own default, Sync.</summary>
    public IReadOnlyList<NodeDurability> Durabilities { get; private set; } = [NodeDurability.Sync];

    /// <summary>Paced run: calls per second over all callers (latency from each call's due time); null = closed loop.</summary>
    public double? Rate { get; private set; }

    public int Seed { get; private set; } = 20_260_101;

    public static bool TryParse(ReadOnlySpan<string> args, out NodeBenchOptions options, out string error)
    {
        options = new NodeBenchOptions();
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }

            var value = args[++i];
            if (!options.TrySet(name, value, out error))
            {
                return false;
            }
        }

        if (options.Ops is null && options.Duration is null)
        {
            options.Duration = TimeSpan.FromSeconds(10);
        }

        return true;
    }

    private bool TrySet(string name, string value, out string error)
    {
        error = string.Empty;
        try
        {
            switch (name)
            {
                case "--target": Target = Load.ChannelPool.ParseTarget(value); return true;
                case "--admin": Admin = Load.ChannelPool.ParseTarget(value); return true;
                case "--durability": return TrySetDurability(value, out error);
                default: break;
            }
        }
        catch (FormatException e)
        {
            error = $"option '{name}': {e.Message}";
            return false;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number < 0 || (number == 0 && name != "--warmup"))
        {
            error = $"option '{name}' needs a positive number (--warmup may be 0), got '{value}'";
            return false;
        }

        switch (name)
        {
            case "--callers": Callers = (int)number; break;
            case "--channels": Channels = (int)number; break;
            case "--ops": Ops = (long)number; break;
            case "--duration": Duration = TimeSpan.FromSeconds(number); break;
            case "--batch": Batch = (int)number; break;
            case "--value-size": ValueSize = (int)number; break;
            case "--warmup": Warmup = TimeSpan.FromSeconds(number); break;
            case "--rate": Rate = number; break;
            case "--seed": Seed = (int)number; break;
            default:
                error = $"unknown option '{name}'";
                return false;
        }

        return true;
    }

    private bool TrySetDurability(string value, out string error)
    {
        error = string.Empty;
        switch (value.ToLowerInvariant())
        {
            case "sync": Durabilities = [NodeDurability.Sync]; return true;
            case "periodic": Durabilities = [NodeDurability.Periodic]; return true;
            case "both": Durabilities = [NodeDurability.Sync, NodeDurability.Periodic]; return true;
            default:
                error = $"--durability must be sync, periodic or both, got '{value}'";
                return false;
        }
    }
}
