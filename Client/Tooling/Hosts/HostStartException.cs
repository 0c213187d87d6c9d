namespace PairDb.Client.Tooling;

/// <summary>A host child process did not become healthy; the message carries the tail of its log.</summary>
public sealed class HostStartException : Exception
{
    public HostStartException(string message)
        : base(message)
    {
    }

    public HostStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HostStartException()
    {
    }
}
