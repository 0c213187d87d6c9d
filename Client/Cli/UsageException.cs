namespace PairDb.Client.Cli;

/// <summary>The command line is wrong: the CLI prints the message and the command's usage, and exits 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
    {
    }
}
