namespace PairDb.Chaos.Workload;

/// <summary>Counts so far, reported about once a second while the workload runs.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Operations">Operations recorded (reads of read-modify-writes included).</param>
/// <param name="Ok">Acknowledged.</param>
/// <param name="Fail">Definitely not applied.</param>
/// <param name="Unknown">May have applied.</param>
public sealed record WorkloadProgress(TimeSpan Elapsed, int Operations, int Ok, int Fail, int Unknown);
