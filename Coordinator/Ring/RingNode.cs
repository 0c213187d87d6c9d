namespace PairDb.Coordinator.Ring;

/// <summary>A storage node as the ring sees it: identity, address, state and tokens. Immutable.</summary>
public sealed class RingNode
{
    public RingNode(string nodeId, string host, int grpcPort, int httpPort, string state, bool draining, ulong[] tokens)
    {
        NodeId = nodeId;
        Host = host;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        State = state;
        Draining = draining;
        Tokens = tokens;
    }

    public string NodeId { get; }

    public string Host { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    /// <summary>A <see cref="Data.NodeStates"/> value.</summary>
    public string State { get; }

    /// <summary>
    /// The operator drained it: it still owns its ranges (and receives their writes, or hints for
    /// them) but should not be picked to coordinate a write or to answer a read when another can.
    /// </summary>
    public bool Draining { get; }

    /// <summary>This node's tokens, ascending.</summary>
    public ulong[] Tokens { get; }

    /// <summary>How the node's ports are dialled: <c>http</c>, or <c>https</c> in a secure cluster (<c>storage_nodes.scheme</c>).</summary>
    public string Scheme { get; init; } = Uri.UriSchemeHttp;

    /// <summary>The address gRPC clients dial.</summary>
    public Uri GrpcAddress => new(PairDb.Hosting.Security.MemberHttp.Address(Scheme, Host, GrpcPort));

    public override string ToString() => $"{NodeId} ({Host}:{GrpcPort}, {State})";
}
