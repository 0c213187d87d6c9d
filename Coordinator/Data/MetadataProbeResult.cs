namespace PairDb.Coordinator.Data;

/// <summary>What one <see cref="MetadataProbe"/> saw: an answer, a failure (refused, authentication, ...), or no answer in time (slow or gone).</summary>
public enum MetadataProbeResult
{
    Answered,
    Failed,
    NoAnswerInTime,
}
