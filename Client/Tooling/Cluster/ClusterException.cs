namespace PairDb.Client.Tooling.Cluster;

/// <summary>A local-cluster operation failed; the message says what and what to do.</summary>
public sealed class ClusterException : Exception
{
    public ClusterException(string message)
        : base(message)
    {
    }

    public ClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClusterException()
    {
    }
}
