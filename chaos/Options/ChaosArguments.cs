using System.Globalization;
using PairDb.Chaos.Faults;

namespace PairDb.Chaos.Options;

/// <summary>Parses <c>./pairdb chaos</c>'s command line; throws <see cref="ArgumentException"/> with the bad word.</summary>
public static class ChaosArguments
{
    public const string Usage = """
        usage: ./pairdb chaos [--duration S] [--faults LIST] [--seed N] [--nodes N] [--coordinators N]
                              [--clients N] [--json] [--keep] [--no-network]
          --duration S       seconds of workload under faults (default 60)
          --faults LIST      comma-separated: partition, one-way, loss, pause, kill, skew, disk-full, all, none
                             (default all; partition/one-way/loss need root and `ip netns`, disk-full needs root)
          --seed N           seeds the fault schedule and the workload: same seed, same schedule (default 1)
          --nodes N          storage nodes, at least 3 (default 3)
          --coordinators N   coordinators sharing one PostgreSQL (default 1)
          --clients N        concurrent workload clients (default 8)
          --json             print the whole report as JSON on stdout (progress on stderr)
          --keep             keep the run directory (logs, data) for inspection
          --no-network       run every process on 127.0.0.1 without network namespaces (no network faults)
        exit code: 0 valid, 1 the checker found anomalies, 2 usage error, 3 the cluster could not run
        """;

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        int duration = 60, seed = 1, nodes = 3, coordinators = 1, clients = 8;
        IReadOnlyList<FaultKind> faults = Enum.GetValues<FaultKind>();
        bool json = false, keep = false, noNetwork = false;
        string? inside = null, work = null;
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{word} needs a value");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{word} must be a whole number in {min}..{max} (is '{text}')");
            }
            switch (word)
            {
                case "--duration": duration = Number(1, 86_400); break;
                case "--seed": seed = Number(int.MinValue, int.MaxValue); break;
                case "--nodes": nodes = Number(3, 9); break;
                case "--coordinators": coordinators = Number(1, 5); break;
                case "--clients": clients = Number(1, 256); break;
                case "--faults": faults = FaultKinds.ParseList(Value()); break;
                case "--json": json = true; break;
                case "--keep": keep = true; break;
                case "--no-network": noNetwork = true; break;
                case "--inside-namespace": inside = Value(); break;
                case "--work-directory": work = Value(); break;
                default: throw new ArgumentException($"unknown argument '{word}'");
            }
        }
        return new ChaosOptions
        {
            DurationSeconds = duration, Seed = seed, Nodes = nodes, Coordinators = coordinators, Clients = clients, Faults = faults,
            Json = json, Keep = keep, NoNetwork = noNetwork, InsideNamespace = inside, WorkDirectory = work,
        };
    }
}
