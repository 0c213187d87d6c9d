using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// Streaming RPCs of topology changes and recovery (storage.proto); the work lives in Streaming/. A streaming call
/// the caller cancelled fails however the transport reports it (a write to a closed stream), not as a node error.
/// </summary>
public sealed partial class StorageGrpcService
{
    public override async Task StreamRange(StreamRangeRequest request, IServerStreamWriter<StreamRangeBatch> responseStream, ServerCallContext context)
    {
        try
        {
            await _streaming.Source.StreamAsync(request, responseStream, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Fail(e, nameof(StreamRange));
        }
    }

    public override async Task FetchRanges(FetchRangesRequest request, IServerStreamWriter<FetchRangesProgress> responseStream, ServerCallContext context)
    {
        try
        {
            await _streaming.Puller.PullAsync(request, progress => ReportAsync(responseStream, progress), context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Fail(e, nameof(FetchRanges));
        }
    }

    /// <summary>
    /// A progress write fails with InvalidOperationException once the call is complete, which for a
    /// server stream means the caller went away (a coordinator killed mid-change): a cancellation, not
    /// a node error, and often seen before the call's token is.
    /// </summary>
    private static async Task ReportAsync(IServerStreamWriter<FetchRangesProgress> responseStream, FetchRangesProgress progress)
    {
        try
        {
            await responseStream.WriteAsync(progress).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new OperationCanceledException("the caller of FetchRanges went away", e);
        }
    }

    public override async Task<RangeDigestsReply> RangeDigests(RangeDigestsRequest request, ServerCallContext context)
    {
        try
        {
            var ranges = TokenRangeIndex.FromRequest(request.Ranges);
            var digests = await Task.Run(
                () => _store.RangeDigests(ranges, _streaming.Options.ChecksumWorkers, context.CancellationToken),
                context.CancellationToken).ConfigureAwait(false);
            var reply = new RangeDigestsReply();
            foreach (var (count, digest) in digests)
            {
                reply.Digests.Add(new RangeDigestReply { KeyCount = count, Digest = digest });
            }

            return reply;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(RangeDigests));
        }
    }

    public override async Task<CheckRangeCoverageReply> CheckRangeCoverage(CheckRangeCoverageRequest request, ServerCallContext context)
    {
        try
        {
            return await _streaming.Coverage.CheckAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
        {
            throw Fail(e, nameof(CheckRangeCoverage));
        }
    }

    public override async Task<DropRangesReply> DropRanges(DropRangesRequest request, ServerCallContext context)
    {
        try
        {
            var ranges = TokenRangeIndex.FromRequest(request.Ranges);
            // Not the caller's token: a drop abandoned half way would only have to be redone.
            var result = await _store.DropRangesAsync(ranges, CancellationToken.None).ConfigureAwait(false);
            StreamingLog.RangesDropped(_logger, request.Ranges.Count, result.KeysDropped, result.BytesReclaimed);
            return new DropRangesReply { KeysDropped = (ulong)result.KeysDropped, BytesReclaimed = (ulong)result.BytesReclaimed };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(DropRanges));
        }
    }

    public override async Task<ClearAllReply> ClearAll(ClearAllRequest request, ServerCallContext context)
    {
        try
        {
            var result = await _store.ClearAllAsync(CancellationToken.None).ConfigureAwait(false);
            StreamingLog.AllCleared(_logger, result.KeysDropped, result.BytesReclaimed);
            return new ClearAllReply { KeysDropped = (ulong)result.KeysDropped };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(ClearAll));
        }
    }
}
