using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;
using PairDb.Engine;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Source side of StreamRange: one engine snapshot scanned in key order from the resume point, keeping the keys
/// whose ring token lies in a requested range. The next batch is built while the previous one is being written,
/// and each write waits for HTTP/2 flow control, so a slow receiver slows the scan instead of filling memory.
/// </summary>
public sealed class RangeStreamSource(LsmEngine engine, IOptions<StreamingOptions> options)
{
    /// <summary>Batches are also cut after this many keys scanned, so last_key advances through sparse ranges.</summary>
    private const int MaxScannedPerBatch = 1 << 16;

    private readonly StreamingOptions _options = options.Value;

    public async Task StreamAsync(StreamRangeRequest request, IServerStreamWriter<StreamRangeBatch> writer, CancellationToken cancellationToken)
    {
        var ranges = TokenRangeIndex.FromRequest(request.Ranges);
        var batchSize = BatchSize(request.BatchSize);
        if (!double.IsFinite(request.MaxMegabytesPerSecond) || request.MaxMegabytesPerSecond < 0)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, "max_megabytes_per_second must be 0 (unlimited) or positive");
        }

        var pace = TokenBucket.FromMegabytesPerSecond(request.MaxMegabytesPerSecond);
        using var snapshot = engine.GetSnapshot();
        var scan = new Scan(snapshot.OpenCursor(StartKey(request), request.EndKey.IsEmpty ? null : request.EndKey.ToByteArray()), ranges, batchSize, _options.MaxBatchBytes);
        BatchArena[] arenas = [new(), new()];
        try
        {
            var current = 0;
            var batch = scan.Next(arenas[current]);
            batch.EstimatedKeys = batch.Done ? (ulong)batch.Entries.Count : Estimate(scan, ranges);
            while (true)
            {
                await pace.TakeAsync(scan.LastBatchBytes, cancellationToken).ConfigureAwait(false);
                var write = writer.WriteAsync(batch);
                if (batch.Done)
                {
                    await write.ConfigureAwait(false);
                    return;
                }

                // Overlap: scan the next batch into the other arena while this one is on its way.
                var next = scan.Next(arenas[1 - current]);
                await write.ConfigureAwait(false);
                arenas[current].Reset();
                cancellationToken.ThrowIfCancellationRequested();
                current = 1 - current;
                batch = next;
            }
        }
        finally
        {
            arenas[0].Reset();
            arenas[1].Reset();
        }
    }

    private int BatchSize(uint requested)
    {
        if (requested > StreamLimits.MaxBatchSize)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, $"batch_size must be at most {StreamLimits.MaxBatchSize} (is {requested})");
        }

        return requested == 0 ? _options.BatchSize : (int)requested;
    }

    /// <summary>The larger of start_key and the first key after start_after_key (its successor: key ++ 0x00).</summary>
    private static byte[]? StartKey(StreamRangeRequest request)
    {
        byte[]? start = request.StartKey.IsEmpty ? null : request.StartKey.ToByteArray();
        if (request.StartAfterKey.IsEmpty)
        {
            return start;
        }

        var after = new byte[request.StartAfterKey.Length + 1];
        request.StartAfterKey.Span.CopyTo(after);
        return start is not null && start.AsSpan().SequenceCompareTo(after) > 0 ? start : after;
    }

    /// <summary>
    /// Keys the whole request will send, guessed cheaply: the engine's bytes divided by the mean entry size of the
    /// first batch, times the share of the ring the ranges cover.
    /// </summary>
    private ulong Estimate(Scan scan, TokenRangeIndex ranges)
    {
        if (scan.ScannedKeys == 0)
        {
            return 0;
        }

        var statistics = engine.GetStatistics();
        var meanEntry = (double)scan.ScannedBytes / scan.ScannedKeys;
        var keys = (statistics.SSTableBytesTotal + statistics.MemtableSizeBytes) / meanEntry * ranges.CoveredFraction;
        return (ulong)Math.Max(scan.SentKeys, Math.Round(keys));
    }

    /// <summary>The scan state carried from batch to batch.</summary>
    private sealed class Scan(EngineCursor cursor, TokenRangeIndex ranges, int batchSize, int maxBatchBytes)
    {
        private byte[] _lastKey = new byte[256];
        private int _lastKeyLength;
        private bool _finished;

        public long ScannedKeys { get; private set; }

        public long ScannedBytes { get; private set; }

        public long SentKeys { get; private set; }

        public long LastBatchBytes { get; set; }

        public StreamRangeBatch Next(BatchArena arena)
        {
            var batch = new StreamRangeBatch();
            var entries = batch.Entries;
            long bytes = 0;
            var scanned = 0;
            while (!_finished && entries.Count < batchSize && bytes < maxBatchBytes && scanned < MaxScannedPerBatch)
            {
                if (!cursor.MoveNext())
                {
                    _finished = true;
                    break;
                }

                var key = cursor.Key;
                var value = cursor.Value;
                scanned++;
                ScannedBytes += key.Length + value.Length;
                Remember(key);
                if (ranges.Contains(RingToken.Of(key)))
                {
                    entries.Add(new StreamEntry { Key = arena.Add(key), Versions = arena.Add(value) });
                    bytes += key.Length + value.Length;
                }
            }

            ScannedKeys += scanned;
            SentKeys += entries.Count;
            LastBatchBytes = bytes;
            batch.Done = _finished;
            if (_lastKeyLength > 0)
            {
                batch.LastKey = ByteString.CopyFrom(_lastKey, 0, _lastKeyLength);
            }

            return batch;
        }

        private void Remember(ReadOnlySpan<byte> key)
        {
            if (key.Length > _lastKey.Length)
            {
                _lastKey = new byte[Math.Max(key.Length, _lastKey.Length * 2)];
            }

            key.CopyTo(_lastKey);
            _lastKeyLength = key.Length;
        }
    }
}
