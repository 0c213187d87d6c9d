namespace PairDb.Chaos.Cluster;

/// <summary>What a cluster process is.</summary>
public enum MemberRole
{
    Postgres,
    Coordinator,
    Node,
}

/// <summary>
/// One process of the chaos cluster and where it lives: its own network namespace and address (network mode), or
/// 127.0.0.1 with ports of its own (no network). The nemesis names its targets by <see cref="Name"/>.
/// </summary>
public sealed record Member(string Name, MemberRole Role, string Address, string? Namespace, int GrpcPort, int HttpPort)
{
    public Uri Grpc => new($"http://{Address}:{GrpcPort}");

    public Uri Http => new($"http://{Address}:{HttpPort}");
}
