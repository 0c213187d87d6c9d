using System.Globalization;

namespace PairDb.Bench.Load;

/// <summary>Prints phase figures as a fixed-width table; latencies are per call, CPU in cores.</summary>
public static class LoadTable
{
    private const string Header =
        "phase                 calls/s     items/s   p50 ms   p99 ms p99.9 ms   max ms  failed  cores: client  node other  cpu us/item: client  node  B/item";

    public static void Write(TextWriter output, IReadOnlyList<PhaseFigures> phases)
    {
        output.WriteLine(Header);
        foreach (var phase in phases)
        {
            output.WriteLine(Row(phase));
        }

        foreach (var phase in phases)
        {
            if (phase.FirstError is { } error)
            {
                output.WriteLine($"  {phase.Name}: {phase.FailedItems} of {phase.Items} items failed; first: {error}");
            }
        }
    }

    public static string Row(PhaseFigures phase) => string.Create(CultureInfo.InvariantCulture,
        $"{phase.Name,-18} {phase.CallsPerSecond,11:N0} {phase.ItemsPerSecond,11:N0} {Ms(phase.Latency.PercentileMs(50))} {Ms(phase.Latency.PercentileMs(99))} " +
        $"{Ms(phase.Latency.PercentileMs(99.9))} {Ms(phase.Latency.PercentileMs(100))} {phase.FailedItems,7} " +
        $"          {Cores(phase.Cpu.Client)} {Cores(phase.Cpu.Servers)} {Cores(phase.Cpu.Other)}                {Micros(phase.Cpu.Client, phase)} {Micros(phase.Cpu.Servers, phase)} {Whole(phase.AllocatedBytesPerItem),7}");

    /// <summary>CPU microseconds per successful item: steadier than ops/s when other tenants take cores.</summary>
    private static string Micros(double cores, PhaseFigures phase) =>
        double.IsNaN(cores) || phase.ItemsPerSecond is not > 0
            ? "  n/a"
            : (cores * 1_000_000 / phase.ItemsPerSecond).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(5);

    private static string Ms(double value) => double.IsNaN(value) ? "     n/a" : value.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(8);

    private static string Cores(double value) => double.IsNaN(value) ? "  n/a" : value.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(5);

    private static string Whole(double value) => double.IsNaN(value) ? "n/a" : value.ToString("N0", CultureInfo.InvariantCulture);
}
