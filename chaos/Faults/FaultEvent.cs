using System.Globalization;

namespace PairDb.Chaos.Faults;

/// <summary>
/// One fault of the schedule: from <see cref="AtSeconds"/> (since the workload started) for <see cref="DurationSeconds"/>.
/// <see cref="Targets"/> are member names (the side that is cut off, paused, killed, skewed, filled, or that loses
/// packets); <see cref="Others"/> is the other side of a partition (packets from Targets never reach Others in a
/// one-way partition). <see cref="Amount"/>: loss percent, or clock skew in minutes.
/// </summary>
public sealed record FaultEvent(
    int Index,
    double AtSeconds,
    double DurationSeconds,
    FaultKind Kind,
    string Variant,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Others,
    int Amount)
{
    public double EndSeconds => AtSeconds + DurationSeconds;

    public string Describe()
    {
        var targets = string.Join(",", Targets);
        var what = Kind switch
        {
            FaultKind.Partition => $"partition {Variant} [{targets}] | [{string.Join(",", Others)}]",
            FaultKind.OneWayPartition => $"one-way [{targets}] -/-> [{string.Join(",", Others)}]",
            FaultKind.Loss => $"loss {Amount}% into [{targets}]",
            FaultKind.ClockSkew => $"skew {targets} {(Amount >= 0 ? "+" : "")}{Amount.ToString(CultureInfo.InvariantCulture)}m",
            _ => $"{FaultKinds.Name(Kind)} {targets}",
        };
        return $"#{Index} {what}";
    }
}
