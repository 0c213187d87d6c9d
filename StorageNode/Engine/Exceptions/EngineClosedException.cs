namespace PairDb.Engine;

/// <summary>The engine was disposed, or a background failure (commit log I/O) stopped it accepting writes.</summary>
public sealed class EngineClosedException : StorageEngineException
{
    public EngineClosedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
