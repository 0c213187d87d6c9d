using System.Globalization;

namespace PairDb.Bench.Cluster;

/// <summary>Command line of <c>pairdb bench cluster</c>.</summary>
public sealed class ClusterBenchOptions
{
    public const string Usage =
        "usage: pairdb bench cluster [--target HOST:PORT] [--threads N] [--records N] [--ops N] [--workload A|B|C|all]\n" +
        "                            [--seed N] [--security insecure|secure|both | --secure]\n" +
        "                            [--noisy-tenant REQUESTS_PER_SECOND [--noisy-threads N]]\n" +
        "  YCSB-style load through KeyValueService: Zipfian keys, 16-byte keys, 100-byte values.\n" +
        "  Without --target it starts PostgreSQL, a coordinator and 3 storage nodes in a scratch directory:\n" +
        "  insecure (plaintext, no authentication; the default), secure (TLS everywhere, a tenant API key on\n" +
        "  every call; --secure), or both one after the other with the secure/insecure ratio of every figure.\n" +
        "  --noisy-tenant R: instead, tenant 'bench' runs workload A alone, then again while tenant 'noisy' (quota R\n" +
        "  requests/s) sends as fast as --noisy-threads (default 32) can, ignoring RATE_LIMITED; prints bench's\n" +
        "  p50/p99 both ways and the ratio (with --target, configure PairDb:Quotas:Tenants:noisy yourself).";

    /// <summary>A running coordinator's gRPC endpoint; null = start a scratch cluster.</summary>
    public string? Target { get; private set; }

    public int Threads { get; private set; } = 64;

    public int Records { get; private set; } = 100_000;

    public int Operations { get; private set; } = 200_000;

    public IReadOnlyList<char> Workloads { get; private set; } = ['A', 'B', 'C'];

    public int Seed { get; private set; } = 20_261_126;

    /// <summary>The scratch clusters to run, in order: insecure, secure, or both (then compared).</summary>
    public IReadOnlyList<bool> SecureRuns { get; private set; } = [false];

    /// <summary>The noisy tenant's request-rate quota; null = the YCSB workloads.</summary>
    public int? NoisyTenantRate { get; private set; }

    public int NoisyThreads { get; private set; } = 32;

    public int KeySize => 16;

    public int ValueSize => 100;

    public static bool TryParse(ReadOnlySpan<string> args, out ClusterBenchOptions options, out string error)
    {
        options = new ClusterBenchOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--secure")
            {
                options.SecureRuns = [true];
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--target":
                    options.Target = value;
                    continue;
                case "--security":
                    switch (value)
                    {
                        case "insecure": options.SecureRuns = [false]; continue;
                        case "secure": options.SecureRuns = [true]; continue;
                        case "both": options.SecureRuns = [false, true]; continue;
                        default:
                            error = $"--security takes insecure, secure or both, got '{value}'";
                            return false;
                    }
                case "--workload":
                    var upper = value.ToUpperInvariant();
                    if (upper == "ALL")
                    {
                        options.Workloads = ['A', 'B', 'C'];
                        continue;
                    }
                    if (upper is not ("A" or "B" or "C"))
                    {
                        error = $"--workload takes A, B, C or all, got '{value}'";
                        return false;
                    }
                    options.Workloads = [upper[0]];
                    continue;
            }
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                error = $"option '{name}' needs a positive integer, got '{value}'";
                return false;
            }
            switch (name)
            {
                case "--threads": options.Threads = number; break;
                case "--records": options.Records = number; break;
                case "--ops": options.Operations = number; break;
                case "--seed": options.Seed = number; break;
                case "--noisy-tenant": options.NoisyTenantRate = number; break;
                case "--noisy-threads": options.NoisyThreads = number; break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }
        if (options.Target is not null && options.SecureRuns is not [false])
        {
            error = "--secure and --security need the scratch cluster: drop --target";
            return false;
        }
        return true;
    }
}
