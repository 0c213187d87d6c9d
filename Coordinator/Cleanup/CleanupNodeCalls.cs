using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using TokenRange = PairDb.Coordinator.Ring.TokenRange;

namespace PairDb.Coordinator.Cleanup;

/// <summary>
/// The StorageService calls of the cleanup: RangeDigests, CheckRangeCoverage and DropRanges. Not
/// through the per-node Polly pipeline of the data path: its timeout is sized for one replica write
/// (seconds), while these scan whole ranges, so each call gets
/// <see cref="TopologyOptions.CleanupCallTimeout"/> as its deadline instead, and a failure here
/// says nothing about the node's fitness for client traffic, so it must not trip that breaker.
/// A node still in the registry is reached over the shared channel pool; a node that is not (a
/// decommissioned node whose process still runs) over a channel opened for the call and closed after.
/// </summary>
public sealed class CleanupNodeCalls(NodeChannelPool channels, IOptions<ReplicationOptions> replication, IOptions<TopologyOptions> topology)
{
    private readonly Metadata _headers = new() { { replication.Value.ClientIdHeader, replication.Value.ClientId } };

    public async Task<RangeDigestsReply> DigestsAsync(RingNode node, bool registered, IReadOnlyList<TokenRange> ranges, CancellationToken cancellationToken)
    {
        var request = new RangeDigestsRequest();
        AddRanges(request.Ranges, ranges);
        using var lease = Open(node, registered);
        return await lease.Client.RangeDigestsAsync(request, Options(cancellationToken));
    }

    /// <summary>Asks <paramref name="owner"/> how many of <paramref name="source"/>'s entries in the ranges it lacks.</summary>
    public async Task<CheckRangeCoverageReply> CoverageAsync(RingNode owner, RingNode source, IReadOnlyList<TokenRange> ranges, CancellationToken cancellationToken)
    {
        var request = new CheckRangeCoverageRequest { SourceHost = source.Host, SourcePort = (uint)source.GrpcPort };
        AddRanges(request.Ranges, ranges);
        using var lease = Open(owner, registered: true);
        return await lease.Client.CheckRangeCoverageAsync(request, Options(cancellationToken));
    }

    public async Task<DropRangesReply> DropAsync(RingNode node, bool registered, IReadOnlyList<TokenRange> ranges, CancellationToken cancellationToken)
    {
        var request = new DropRangesRequest();
        AddRanges(request.Ranges, ranges);
        using var lease = Open(node, registered);
        return await lease.Client.DropRangesAsync(request, Options(cancellationToken));
    }

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(_headers, DateTime.UtcNow + topology.Value.CleanupCallTimeout, cancellationToken);

    private static void AddRanges(Google.Protobuf.Collections.RepeatedField<Contracts.Grpc.TokenRange> target, IReadOnlyList<TokenRange> ranges)
    {
        foreach (var range in ranges)
        {
            target.Add(new Contracts.Grpc.TokenRange { StartToken = range.StartExclusive, EndToken = range.EndInclusive });
        }
    }

    private Lease Open(RingNode node, bool registered) =>
        registered
            ? new Lease(new StorageService.StorageServiceClient(channels.Get(node)), null)
            : Lease.Transient(channels.Open(node.GrpcAddress));

    private readonly struct Lease(StorageService.StorageServiceClient client, GrpcChannel? owned) : IDisposable
    {
        public StorageService.StorageServiceClient Client { get; } = client;

        public static Lease Transient(GrpcChannel channel) => new(new StorageService.StorageServiceClient(channel), channel);

        public void Dispose() => owned?.Dispose();
    }
}
