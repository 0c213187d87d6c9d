namespace PairDb.Coordinator.Data;

/// <summary>
/// A row of <c>storage_nodes</c>: one registered storage node, its place in the ring and its liveness.
/// Column names are the runbook's (section 5.3: node_id, state, status, created_at, updated_at).
/// </summary>
public sealed class StorageNodeRecord
{
    public required string NodeId { get; set; }

    public required string Host { get; set; }

    /// <summary>The node's gRPC port (StorageService, grpc.health.v1).</summary>
    public int GrpcPort { get; set; }

    /// <summary>The node's HTTP admin port (/health, /api/v1, /metrics).</summary>
    public int HttpPort { get; set; }

    public int VirtualNodes { get; set; }

    /// <summary>How the node's ports are dialled: <c>http</c>, or <c>https</c> when the cluster is secure (TLS with member certificates).</summary>
    public string Scheme { get; set; } = "http";

    /// <summary>
    /// The node's ring tokens, chosen once when it registers (<see cref="Ring.TokenAllocator"/>) and
    /// never recomputed, so every coordinator builds the same ring from the rows. Stored as bigint:
    /// the unsigned token's bits reinterpreted (<see cref="Ring.TokenBits"/>).
    /// </summary>
    public long[] Tokens { get; set; } = [];

    /// <summary>One of <see cref="NodeStates"/>.</summary>
    public required string State { get; set; }

    /// <summary>One of <see cref="NodeStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>An operator asked to drain traffic away from this node (runbook 5.5); ownership is unchanged.</summary>
    public bool Draining { get; set; }

    /// <summary>What the operator declared at registration (runbook 3.1 <c>capacity_gb</c>), if anything.</summary>
    public int? CapacityGb { get; set; }

    /// <summary>
    /// The incarnation the node last answered with (its dots carry <c>node_id@incarnation</c>); null until
    /// a coordinator has identified it. A node takes a new one at every start and before dropping data.
    /// </summary>
    public string? Incarnation { get; set; }

    /// <summary>When the node says <see cref="Incarnation"/> began.</summary>
    public DateTimeOffset? IncarnationSince { get; set; }

    /// <summary>
    /// Incarnations this node had and replaced, newest first (bounded): a node answering with one of them
    /// again is an older copy of its data or a second process under its id, and is refused.
    /// </summary>
    public string[] RetiredIncarnations { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
