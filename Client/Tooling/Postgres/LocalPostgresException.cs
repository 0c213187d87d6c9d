namespace PairDb.Client.Tooling;

/// <summary>A local PostgreSQL server could not be initialised, started or stopped.</summary>
public sealed class LocalPostgresException : Exception
{
    public LocalPostgresException(string message)
        : base(message)
    {
    }

    public LocalPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LocalPostgresException()
    {
    }
}
