namespace PairDb.Chaos.Checking;

/// <summary>The kinds of <see cref="Anomaly"/>, as they appear in reports and in <see cref="Verdict.Counts"/>.</summary>
public static class AnomalyKinds
{
    /// <summary>A read or the final state holds a value no put of that key wrote.</summary>
    public const string InventedValue = "invented-value";

    /// <summary>A value of a put that definitely failed was read or is in the final state.</summary>
    public const string FailedWriteApplied = "failed-write-applied";

    /// <summary>A read returned a value before the put that wrote it was invoked.</summary>
    public const string ReadBeforeWrite = "read-before-write";

    /// <summary>An acknowledged put's value is missing from the final state and nothing superseded it.</summary>
    public const string LostWrite = "lost-write";

    /// <summary>An acknowledged put with a long TTL is missing from the final state and nothing superseded it.</summary>
    public const string LostTtlWrite = "lost-ttl-write";

    /// <summary>A value an acknowledged delete covered is back in the final state.</summary>
    public const string ResurrectedDelete = "resurrected-delete";

    /// <summary>A read at ALL, invoked after an acknowledged delete completed, returned a value that delete covered.</summary>
    public const string DeletedValueRead = "deleted-value-read";

    /// <summary>The final read of a key never succeeded: the run cannot be checked there.</summary>
    public const string UnreadableFinalState = "unreadable-final-state";

    /// <summary>Replicas still disagree after healing (reported by the runner).</summary>
    public const string DivergentReplicas = "divergent-replicas";

    /// <summary>Hints were still pending after healing (reported by the runner).</summary>
    public const string HintsNotDrained = "hints-not-drained";
}
