using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using ProtoRange = PairDb.Contracts.Grpc.TokenRange;

namespace PairDb.Coordinator.Topology.Streaming;

/// <summary>
/// The StorageService calls a topology change makes: FetchRanges on a target, RangeDigests,
/// ClearAll. Not through the data path's Polly pipelines: FetchRanges is a long server stream that
/// a per-call timeout would kill, and a slow stream must not open the node's breaker for client
/// traffic. Liveness of a stream is judged by its progress instead (see the runner's stall timeout).
/// </summary>
public sealed class NodeStreams
{
    private static readonly TimeSpan DigestDeadline = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ClearDeadline = TimeSpan.FromMinutes(5);
    private readonly NodeChannelPool _channels;
    private readonly Metadata _headers;
    private readonly TopologyChangeOptions _options;

    public NodeStreams(NodeChannelPool channels, IOptions<ReplicationOptions> replication, IOptions<TopologyChangeOptions> options)
    {
        _channels = channels;
        _headers = new Metadata { { replication.Value.ClientIdHeader, replication.Value.ClientId } };
        _options = options.Value;
    }

    /// <summary>Asks <paramref name="target"/> to pull <paramref name="ranges"/> from <paramref name="source"/>, yielding its progress reports.</summary>
    public async IAsyncEnumerable<FetchRangesProgress> FetchAsync(
        RingNode target, RingNode source, IReadOnlyList<Ring.TokenRange> ranges, byte[]? startAfterKey, string streamId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new FetchRangesRequest
        {
            SourceHost = source.Host,
            SourcePort = (uint)source.GrpcPort,
            StartAfterKey = startAfterKey is null ? ByteString.Empty : ByteString.CopyFrom(startAfterKey),
            BatchSize = (uint)_options.StreamBatchSize,
            StreamBuffer = (uint)_options.StreamBuffer,
            MaxMegabytesPerSecond = _options.MaxStreamMegabytesPerSecond,
            StreamId = streamId,
        };
        AddRanges(request.Ranges, ranges);
        using var call = Client(target).FetchRanges(request, _headers, cancellationToken: cancellationToken);
        await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return progress;
        }
    }

    /// <summary>One digest per range, in order.</summary>
    public async Task<IReadOnlyList<RangeDigestReply>> DigestsAsync(RingNode node, IReadOnlyList<Ring.TokenRange> ranges, CancellationToken cancellationToken)
    {
        var request = new RangeDigestsRequest();
        AddRanges(request.Ranges, ranges);
        var reply = await Client(node).RangeDigestsAsync(request, _headers, DateTime.UtcNow + DigestDeadline, cancellationToken);
        if (reply.Digests.Count != ranges.Count)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"{node.NodeId} answered {reply.Digests.Count} digests for {ranges.Count} ranges"));
        }
        return reply.Digests;
    }

    public async Task<ulong> ClearAllAsync(RingNode node, CancellationToken cancellationToken)
    {
        var reply = await Client(node).ClearAllAsync(new ClearAllRequest(), _headers, DateTime.UtcNow + ClearDeadline, cancellationToken);
        return reply.KeysDropped;
    }

    /// <summary>
    /// Failures that pass: the node is down, restarting, throttled or cut off (NODE_NOT_READY,
    /// DISK_THROTTLED, a lost connection); retrying later may succeed. DISK_FULL, a refused request
    /// or a node without the RPC are not: retrying cannot fix them.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted
            or StatusCode.Cancelled or StatusCode.Unknown
            || (rpc.StatusCode == StatusCode.Internal && Contracts.Errors.RpcErrors.TryParse(rpc) is not { FromDetails: true }),
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    private StorageService.StorageServiceClient Client(RingNode node) => new(_channels.Get(node));

    private static void AddRanges(Google.Protobuf.Collections.RepeatedField<ProtoRange> into, IReadOnlyList<Ring.TokenRange> ranges)
    {
        foreach (var range in ranges)
        {
            into.Add(new ProtoRange { StartToken = range.StartExclusive, EndToken = range.EndInclusive });
        }
    }
}
