using System.Globalization;

namespace PairDb.Bench.Outage;

/// <summary>Command line of <c>pairdb bench outage</c>.</summary>
public sealed class OutageBenchOptions
{
    public const string Usage =
        "usage: pairdb bench outage [--phase-seconds N] [--threads N] [--read-percent N] [--value-size N] [--drain-timeout N]\n" +
        "  A closed-loop load (W=2 puts of fresh keys, quorum gets of acknowledged ones) against a scratch cluster\n" +
        "  with its own PostgreSQL, in four phases of --phase-seconds each (default 15): baseline; PostgreSQL stopped;\n" +
        "  PostgreSQL stopped and storage-node-3 SIGKILLed; PostgreSQL started again and the node restarted. Prints per\n" +
        "  phase ops/s, failed operations by error code and put/get p50/p99; then the hints spooled, moved into PostgreSQL\n" +
        "  and replayed, and how long the hints table took to drain (at most --drain-timeout seconds, default 120).\n" +
        "  --threads (default 16) concurrent clients; --read-percent (default 50) of operations are gets.";

    public int PhaseSeconds { get; private set; } = 15;

    public int Threads { get; private set; } = 16;

    public int ReadPercent { get; private set; } = 50;

    public int ValueSize { get; private set; } = 100;

    public int DrainTimeoutSeconds { get; private set; } = 120;

    public static bool TryParse(ReadOnlySpan<string> args, out OutageBenchOptions options, out string error)
    {
        options = new OutageBenchOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"option '{name}' needs a value";
                return false;
            }
            var value = args[++i];
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || number < 0)
            {
                error = $"option '{name}' needs a non-negative integer, got '{value}'";
                return false;
            }
            switch (name)
            {
                case "--phase-seconds" when number > 0: options.PhaseSeconds = number; break;
                case "--threads" when number > 0: options.Threads = number; break;
                case "--read-percent" when number <= 100: options.ReadPercent = number; break;
                case "--value-size" when number > 0: options.ValueSize = number; break;
                case "--drain-timeout" when number > 0: options.DrainTimeoutSeconds = number; break;
                case "--phase-seconds" or "--threads" or "--value-size" or "--drain-timeout":
                    error = $"option '{name}' needs a positive integer, got '{value}'";
                    return false;
                case "--read-percent":
                    error = $"--read-percent takes 0..100, got '{value}'";
                    return false;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }
        return true;
    }
}
