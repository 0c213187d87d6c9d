namespace PairDb.Coordinator.Topology;

/// <summary>What an operator asks for when adding a node (gRPC AddStorageNode or HTTP register).</summary>
/// <param name="NodeId">1..128 printable ASCII characters.</param>
/// <param name="Host">A DNS name or IP address.</param>
/// <param name="GrpcPort">The node's gRPC port.</param>
/// <param name="HttpPort">The node's HTTP admin port; 0 means 8080.</param>
/// <param name="VirtualNodes">Tokens to own; 0 means the configured default (150).</param>
/// <param name="CapacityGb">Declared capacity, if given.</param>
/// <param name="Scheme">How the node's ports are dialled, <c>http</c> or <c>https</c>; empty means the coordinator's own (https when it is secure).</param>
public sealed record NodeRegistration(string NodeId, string Host, int GrpcPort, int HttpPort, int VirtualNodes, int? CapacityGb, string Scheme = "")
{
    public const int DefaultHttpPort = 8080;
}

/// <summary>A node row and the topology change that concerns it, if any.</summary>
public sealed record NodeWithChange(Data.StorageNodeRecord Node, Data.PendingChangeRecord? Change);
