namespace PairDb.Engine;

/// <summary>
/// A write refused because the engine is read-only after a failed write to disk: nothing of it was applied.
/// <see cref="Failure"/> says which operation failed on which file, and why.
/// </summary>
public sealed class EngineReadOnlyException : StorageEngineException
{
    public EngineReadOnlyException(EngineWriteFailure failure)
        : base($"the storage engine is read-only since {failure.Since:O} because {failure}; the write was not applied")
    {
        Failure = failure;
    }

    public EngineWriteFailure Failure { get; }
}
