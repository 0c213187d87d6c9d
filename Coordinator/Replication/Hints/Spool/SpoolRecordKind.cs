namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>What a spool record holds. Persisted: the values never change.</summary>
public enum SpoolRecordKind : byte
{
    /// <summary>A hint waiting to be moved into <c>hints</c> or delivered.</summary>
    Hint = 1,

    /// <summary>The hint with this uid was moved or delivered: a restart must not redo it.</summary>
    Done = 2,
}
