using System.Diagnostics.Metrics;
using PairDb.Coordinator.Clock;

namespace PairDb.Coordinator.Telemetry;

/// <summary>Clock instruments: each node's offset from the cluster time and this coordinator's correction.</summary>
public sealed class ClockMetrics
{
    public const string NodeClockOffsetSeconds = "node_clock_offset_seconds";
    public const string CoordinatorClockCorrectionSeconds = "coordinator_clock_correction_seconds";
    public const string NodeIdLabel = "node_id";

    public ClockMetrics(IMeterFactory meters, ClusterClock clock)
    {
        var meter = meters.Create(CoordinatorMetrics.MeterName);
        meter.CreateObservableGauge(NodeClockOffsetSeconds, () => Offsets(clock), unit: "s",
            description: "Storage node wall clock minus the coordinator's cluster time, measured by the health probe (midpoint of the round trip)");
        meter.CreateObservableGauge(CoordinatorClockCorrectionSeconds, () => clock.Correction.TotalSeconds, unit: "s",
            description: "Correction applied to this coordinator's clock because the median node offset exceeded PairDb:Coordinator:Clock:MaxOffset (0 normally)");
    }

    private static IEnumerable<Measurement<double>> Offsets(ClusterClock clock)
    {
        var offsets = clock.OffsetsSeconds();
        var measurements = new List<Measurement<double>>(offsets.Count);
        foreach (var (nodeId, seconds) in offsets)
        {
            measurements.Add(new Measurement<double>(seconds, new KeyValuePair<string, object?>(NodeIdLabel, nodeId)));
        }
        return measurements;
    }
}
