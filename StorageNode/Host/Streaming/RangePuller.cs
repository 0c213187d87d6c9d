using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Rpc;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Target side of FetchRanges: pulls StreamRange from the source into a bounded buffer (stream_buffer keys) that a
/// single applier drains, merging every entry into the local store with the DVV merge of ReplicaWrite (under the
/// keys' stripe locks, one atomic engine write per batch). Progress is reported after a batch is durable, so its
/// last_key is a safe resume point. An unreachable source fails the pull with NODE_NOT_READY (retriable).
/// </summary>
public sealed partial class RangePuller(
    VersionedStore store,
    NodeChannels channels,
    StreamingMetrics metrics,
    WriteAdmission admission,
    IOptions<StreamingOptions> options,
    ILogger<RangePuller> logger)
{
    /// <summary>Batches merged but not yet reported durable.</summary>
    private const int MaxBatchesInFlight = 2;

    private readonly StreamingOptions _options = options.Value;

    public async Task PullAsync(FetchRangesRequest request, Func<FetchRangesProgress, Task> report, CancellationToken cancellationToken)
    {
        var source = Validate(request);
        var batchSize = request.BatchSize == 0 ? _options.BatchSize : (int)request.BatchSize;
        var bufferKeys = request.StreamBuffer == 0 ? _options.StreamBuffer : (int)request.StreamBuffer;
        var buffered = Channel.CreateBounded<StreamRangeBatch>(new BoundedChannelOptions(Math.Max(1, bufferKeys / Math.Max(1, batchSize)))
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var rate = metrics.StartPull();
        var progress = new FetchRangesProgress { LastKey = request.StartAfterKey };
        StreamingLog.PullStarted(logger, request.StreamId, source, request.Ranges.Count, Convert.ToHexString(request.StartAfterKey.Span));
        var receiver = ReceiveAsync(SourceRequest(request), source, request, buffered.Writer, stop.Token);

        // Reports one durable batch; true once the last batch is in.
        async Task<bool> ReportAsync((Task<long> Applied, StreamRangeBatch Batch) item)
        {
            var (applied, batch) = item;
            rate.Applied(await applied.ConfigureAwait(false));
            if (progress.KeysCopied == 0 && batch.EstimatedKeys != 0)
            {
                progress.EstimatedKeys = batch.EstimatedKeys;
            }

            progress.KeysCopied += (ulong)batch.Entries.Count;
            progress.BytesTransferred = rate.TotalBytes;
            progress.ThroughputMbps = Math.Round(rate.AverageMbps, 3);
            progress.Done = batch.Done;
            if (!batch.LastKey.IsEmpty)
            {
                progress.LastKey = batch.LastKey;
            }

            await report(progress.Clone()).ConfigureAwait(false);
            if (batch.Done)
            {
                StreamingLog.PullFinished(logger, request.StreamId, source, progress.KeysCopied, progress.BytesTransferred,
                    rate.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture), progress.ThroughputMbps.ToString("F1", CultureInfo.InvariantCulture));
            }

            return batch.Done;
        }

        try
        {
            // Several batches in flight: later ones are merged while earlier ones' fsyncs run (and share them, the
            // log commits in groups); progress is reported strictly in order, each once its batch is durable.
            var inFlight = new Queue<(Task<long> Applied, StreamRangeBatch Batch)>(MaxBatchesInFlight);
            await foreach (var batch in buffered.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                inFlight.Enqueue((ApplyAsync(batch, stop.Token), batch));
                if (inFlight.Count == MaxBatchesInFlight && await ReportAsync(inFlight.Dequeue()).ConfigureAwait(false))
                {
                    return;
                }
            }

            while (inFlight.Count > 0)
            {
                if (await ReportAsync(inFlight.Dequeue()).ConfigureAwait(false))
                {
                    return;
                }
            }

            PairDbException.Throw(ErrorCode.NodeNotReady, $"source {source} ended the stream before its last batch; resume after last_key");
        }
        catch (Exception e)
        {
            StreamingLog.PullFailed(logger, request.StreamId, source, progress.KeysCopied, Convert.ToHexString(progress.LastKey.Span), e.Message);
            throw;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await receiver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Moves batches from the source call into the buffer; a failure completes the buffer with the mapped error.</summary>
    private async Task ReceiveAsync(StreamRangeRequest sourceRequest, string source, FetchRangesRequest request, ChannelWriter<StreamRangeBatch> buffer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var client = new StorageService.StorageServiceClient(channels.ForNode(request.SourceHost, request.SourcePort));
            using var call = client.StreamRange(sourceRequest, cancellationToken: cancellationToken);
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                await buffer.WriteAsync(call.ResponseStream.Current, cancellationToken).ConfigureAwait(false);
            }

            buffer.TryComplete();
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            buffer.TryComplete(SourceError(e, source));
        }
        catch (Exception e)
        {
            buffer.TryComplete(e);
        }
    }

    /// <summary>
    /// Merges a batch and waits until it is durable; returns the bytes applied. The parse and merge run before the
    /// first await, so a caller that starts the next batch before awaiting this one overlaps merge and fsync.
    /// </summary>
    private async Task<long> ApplyAsync(StreamRangeBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Entries.Count == 0)
        {
            return 0;
        }

        var mutations = new KeyMutation[batch.Entries.Count];
        long bytes = 0;
        var largest = 0;
        for (var i = 0; i < mutations.Length; i++)
        {
            var entry = batch.Entries[i];
            var set = SiblingSetFormat.Parse(entry.Versions.Span, store.MaxContextEntries * 2);
            mutations[i] = KeyMutation.Merge(entry.Key.ToByteArray(), set, entry.Versions.ToByteArray());
            var size = entry.Key.Length + entry.Versions.Length;
            bytes += size;
            largest = Math.Max(largest, size);
        }

        if (admission.Check(largest) is { } rejection)
        {
            PairDbException.Throw(rejection.Code, rejection.Message);
        }

        // A streamed entry that cannot be applied fails the pull (skipping it would lose the key); that the rest
        // of the batch was written is harmless, merges being idempotent.
        foreach (var outcome in await store.ApplyAsync(mutations, cancellationToken).ConfigureAwait(false))
        {
            outcome.StoredOrThrow();
        }

        await store.SyncAsync().ConfigureAwait(false);
        return bytes;
    }
}
