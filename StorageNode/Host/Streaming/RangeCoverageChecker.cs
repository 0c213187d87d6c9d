using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Data;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// CheckRangeCoverage: streams the ranges from the named source (the node about to be cleaned) and counts the
/// entries this node lacks entirely (missing) or holds without some of the source's siblings or context (behind:
/// merging the source's set would change the local one). Nothing is written.
/// </summary>
public sealed class RangeCoverageChecker(VersionedStore store, NodeChannels channels, ILogger<RangeCoverageChecker> logger)
{
    public async Task<CheckRangeCoverageReply> CheckAsync(CheckRangeCoverageRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.SourceHost) || request.SourcePort is 0 or > 65535)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, "source_host and source_port (1..65535) must name the source node's gRPC endpoint");
        }

        _ = TokenRangeIndex.FromRequest(request.Ranges);
        var source = string.Create(CultureInfo.InvariantCulture, $"{request.SourceHost}:{request.SourcePort}");
        var streamRequest = new StreamRangeRequest();
        streamRequest.Ranges.Add(request.Ranges);
        var reply = new CheckRangeCoverageReply();
        var client = new StorageService.StorageServiceClient(channels.ForNode(request.SourceHost, request.SourcePort));
        try
        {
            using var call = client.StreamRange(streamRequest, cancellationToken: cancellationToken);
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in call.ResponseStream.Current.Entries)
                {
                    var incoming = SiblingSetFormat.Parse(entry.Versions.Span, store.MaxContextEntries * 2);
                    reply.KeysChecked++;
                    switch (store.CheckCoverage(entry.Key.ToByteArray(), incoming))
                    {
                        case Coverage.Missing:
                            reply.KeysMissing++;
                            break;
                        case Coverage.Behind:
                            reply.KeysBehind++;
                            break;
                        case Coverage.Covered:
                            break;
                    }
                }
            }
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw RangePuller.SourceError(e, source);
        }

        StreamingLog.CoverageChecked(logger, source, request.Ranges.Count, reply.KeysChecked, reply.KeysMissing, reply.KeysBehind);
        return reply;
    }
}
