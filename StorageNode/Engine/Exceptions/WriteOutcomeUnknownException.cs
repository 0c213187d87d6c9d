namespace PairDb.Engine;

/// <summary>
/// A write that was appended (and is visible to readers) but whose commit-log write or fsync failed under it:
/// it may or may not survive a restart. Callers must treat it as "maybe applied", never as "not written".
/// </summary>
public sealed class WriteOutcomeUnknownException : StorageEngineException
{
    public WriteOutcomeUnknownException(EngineWriteFailure failure, Exception? innerException)
        : base($"the write's outcome is unknown: it was applied in memory, but {failure}", innerException)
    {
        Failure = failure;
    }

    public EngineWriteFailure Failure { get; }
}
