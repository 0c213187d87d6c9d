using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Api.Grpc;

public sealed partial class CoordinatorGrpcService
{
    /// <summary>
    /// For a storage node restoring files from its replicas (runbook 2.3): every other ring member that replicates
    /// some range the node replicates, with those shared ranges, from the current ring. A node that is not a ring
    /// member has no replicas to ask: INVALID_ARGUMENT (1000).
    /// </summary>
    [Authorize(Policy = PairDbPolicies.OperatorOrMember)]
    public override Task<GetReplicaPeersReply> GetReplicaPeers(GetReplicaPeersRequest request, ServerCallContext context)
    {
        // Resolved per call rather than through the constructor, so the membership service keeps its own wiring.
        var services = context.GetHttpContext().RequestServices;
        var ring = services.GetRequiredService<RingProvider>().Current;
        var replicationFactor = services.GetRequiredService<IOptions<RingOptions>>().Value.ReplicationFactor;
        if (!IsMember(ring, request.NodeId))
        {
            throw RpcErrors.ToRpcException(ErrorCode.InvalidArgument, $"node '{request.NodeId}' is not a member of the ring (NORMAL or LEAVING); it has no replica peers");
        }

        var shared = new Dictionary<string, ReplicaPeer>(StringComparer.Ordinal);
        foreach (var owned in ring.GetOwnedRanges(replicationFactor))
        {
            if (!Lists(owned.Replicas, request.NodeId))
            {
                continue;
            }

            foreach (var replica in owned.Replicas)
            {
                if (string.Equals(replica, request.NodeId, StringComparison.Ordinal) || !ring.TryGetNode(replica, out var node))
                {
                    continue;
                }

                if (!shared.TryGetValue(replica, out var peer))
                {
                    shared[replica] = peer = new ReplicaPeer { NodeId = node.NodeId, Host = node.Host, GrpcPort = (uint)node.GrpcPort };
                }

                peer.SharedRanges.Add(new Contracts.Grpc.TokenRange { StartToken = owned.Range.StartExclusive, EndToken = owned.Range.EndInclusive });
            }
        }

        var reply = new GetReplicaPeersReply();
        reply.Peers.Add(shared.Values);
        return Task.FromResult(reply);
    }

    private static bool IsMember(TokenRing ring, string nodeId)
    {
        foreach (var member in ring.Members)
        {
            if (string.Equals(member.NodeId, nodeId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Lists(IReadOnlyList<string> replicas, string nodeId)
    {
        foreach (var replica in replicas)
        {
            if (string.Equals(replica, nodeId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
