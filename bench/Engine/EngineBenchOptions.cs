using System.Globalization;

namespace PairDb.Bench.Engine;

/// <summary>Command line of <c>pairdb bench engine</c>.</summary>
public sealed class EngineBenchOptions
{
    public const string Usage =
        "usage: pairdb bench engine [--keys N] [--value-size BYTES] [--writers N] [--sync-keys N]\n" +
        "                           [--sync-seconds S] [--scan N] [--warmup N] [--seed N] [--engines pairdb,rocksdb,zonetree]\n" +
        "                           [--phases basic,mixed] [--mixed-keys N] [--mixed-ops N]";

    public int Keys { get; private set; } = 1_000_000;
    public int KeySize { get; private set; } = 16;
    public int ValueSize { get; private set; } = 100;
    public int Writers { get; private set; } = 64;

    /// <summary>Keys put in the sync phase: fsync-bound, so fewer than <see cref="Keys"/> keeps the run short.</summary>
    public int SyncKeys { get; private set; } = 200_000;

    /// <summary>The sync phase stops here even if not every key is in; ops/s counts what was acknowledged.</summary>
    public TimeSpan SyncTimeLimit { get; private set; } = TimeSpan.FromSeconds(30);

    public int ScanCount { get; private set; } = 100_000;

    /// <summary>Untimed puts/gets/scan per engine before its timed phases, so no engine pays the JIT's tier-up
    /// (of its own code and the harness's) inside its figures.</summary>
    public int WarmupKeys { get; private set; } = 50_000;
    public int Seed { get; private set; } = 20_260_101;
    public IReadOnlyList<string> Engines { get; private set; } = ["pairdb", "rocksdb", "zonetree"];

    /// <summary><c>basic</c> (put/get/scan/sync-put) and <c>mixed</c> (load then Zipfian read/update, pairdb and RocksDB).</summary>
    public IReadOnlyList<string> Phases { get; private set; } = ["basic", "mixed"];

    /// <summary>Puts in the mixed phase's load (the 5 million).</summary>
    public int MixedKeys { get; private set; } = 5_000_000;

    /// <summary>Read/update operations after the load; default a fifth of <see cref="MixedKeys"/>.</summary>
    public int MixedOps { get; private set; }

    public static bool TryParse(ReadOnlySpan<string> args, out EngineBenchOptions options, out string error)
    {
        options = new EngineBenchOptions();
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
            if (name == "--phases")
            {
                options.Phases = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                continue;
            }

            if (name == "--engines")
            {
                options.Engines = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                continue;
            }

            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                error = $"option '{name}' needs a positive integer, got '{value}'";
                return false;
            }

            switch (name)
            {
                case "--keys": options.Keys = number; break;
                case "--value-size": options.ValueSize = number; break;
                case "--writers": options.Writers = number; break;
                case "--sync-keys": options.SyncKeys = number; break;
                case "--sync-seconds": options.SyncTimeLimit = TimeSpan.FromSeconds(number); break;
                case "--scan": options.ScanCount = number; break;
                case "--seed": options.Seed = number; break;
                case "--warmup": options.WarmupKeys = number; break;
                case "--mixed-keys": options.MixedKeys = number; break;
                case "--mixed-ops": options.MixedOps = number; break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        if (options.MixedOps == 0)
        {
            options.MixedOps = Math.Max(1, options.MixedKeys / 5);
        }

        options.SyncKeys = Math.Min(options.SyncKeys, options.Keys);
        options.ScanCount = Math.Min(options.ScanCount, options.Keys);
        options.WarmupKeys = Math.Min(options.WarmupKeys, options.Keys);
        return true;
    }
}
