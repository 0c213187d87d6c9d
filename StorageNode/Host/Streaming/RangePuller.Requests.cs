using System.Globalization;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.StorageNode.Streaming;

public sealed partial class RangePuller
{
    private static string Validate(FetchRangesRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.SourceHost) || request.SourcePort is 0 or > 65535)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, "source_host and source_port (1..65535) must name the source node's gRPC endpoint");
        }

        if (request.BatchSize > StreamLimits.MaxBatchSize)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, $"batch_size must be at most {StreamLimits.MaxBatchSize} (is {request.BatchSize})");
        }

        if (!double.IsFinite(request.MaxMegabytesPerSecond) || request.MaxMegabytesPerSecond < 0)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, "max_megabytes_per_second must be 0 (unlimited) or positive");
        }

        _ = TokenRangeIndex.FromRequest(request.Ranges);
        return string.Create(CultureInfo.InvariantCulture, $"{request.SourceHost}:{request.SourcePort}");
    }

    private static StreamRangeRequest SourceRequest(FetchRangesRequest request)
    {
        var sourceRequest = new StreamRangeRequest
        {
            StartAfterKey = request.StartAfterKey,
            StartKey = request.StartKey,
            EndKey = request.EndKey,
            BatchSize = request.BatchSize,
            MaxMegabytesPerSecond = request.MaxMegabytesPerSecond,
        };
        sourceRequest.Ranges.Add(request.Ranges);
        return sourceRequest;
    }

    /// <summary>
    /// A transport failure (source down, connection refused or lost) is NODE_NOT_READY so the caller pauses and
    /// retries; an error the source answered with keeps its code.
    /// </summary>
    internal static PairDbException SourceError(RpcException e, string source)
    {
        var parsed = RpcErrors.TryParse(e);
        return parsed is { FromDetails: true } known
            ? new PairDbException(known.Code, $"source {source}: {known.Message}", e)
            : new PairDbException(ErrorCode.NodeNotReady, $"source {source} is unreachable ({e.StatusCode}: {e.Status.Detail})", e);
    }
}
