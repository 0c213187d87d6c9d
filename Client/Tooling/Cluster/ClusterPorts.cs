namespace PairDb.Client.Tooling.Cluster;

/// <summary>
/// The port scheme of a local cluster, all on 127.0.0.1, from its base port P:
/// P PostgreSQL (when run by <c>up</c>), P+1 coordinator gRPC, P+2 coordinator HTTP,
/// and for the node in slot i (1-based) P+10+2(i-1) gRPC and P+11+2(i-1) HTTP.
/// With the default P = 7400: coordinator 7401/7402, node-1 7410/7411, node-2 7412/7413, ...
/// </summary>
public static class ClusterPorts
{
    public const int DefaultBasePort = 7400;

    /// <summary>Slots a range can hold; node add fails beyond it.</summary>
    public const int MaxSlots = 45;

    /// <summary>Ports a cluster may use: P .. P+Span-1.</summary>
    public const int Span = 10 + (2 * MaxSlots);

    public static int Postgres(int basePort) => basePort;

    public static int CoordinatorGrpc(int basePort) => basePort + 1;

    public static int CoordinatorHttp(int basePort) => basePort + 2;

    public static int NodeGrpc(int basePort, int slot) => basePort + 10 + (2 * (slot - 1));

    public static int NodeHttp(int basePort, int slot) => NodeGrpc(basePort, slot) + 1;

    /// <summary>Throws naming the problem when the range does not fit in 1024..65535.</summary>
    public static void Validate(int basePort)
    {
        if (basePort < 1024 || basePort + Span - 1 > 65535)
        {
            throw new ClusterException($"--base-port {basePort} is out of range: it needs ports {basePort}..{basePort + Span - 1} within 1024..65535");
        }
    }
}
