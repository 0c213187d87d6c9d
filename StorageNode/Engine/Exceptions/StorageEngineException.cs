namespace PairDb.Engine;

/// <summary>Base of every error the engine raises about its own data or state.</summary>
public class StorageEngineException : Exception
{
    public StorageEngineException(string message)
        : base(message)
    {
    }

    public StorageEngineException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
