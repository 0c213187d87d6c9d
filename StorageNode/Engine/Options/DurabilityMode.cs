namespace PairDb.Engine;

/// <summary>When a write is acknowledged relative to the commit log reaching stable storage.</summary>
public enum DurabilityMode
{
    /// <summary>Acknowledged only after the record is fdatasync'ed; concurrent writers share one sync (group commit).</summary>
    Sync = 0,

    /// <summary>Acknowledged once in the commit log buffer; the log is written and synced every <see cref="LsmEngineOptions.PeriodicSyncInterval"/>.</summary>
    Periodic = 1,
}
