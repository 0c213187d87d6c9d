using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Topology;

/// <summary>What one FetchRanges call reported, timed from the call to its last progress message.</summary>
public sealed record StreamFigures(
    string StreamId,
    TimeSpan Elapsed,
    TimeSpan FirstProgress,
    ulong Keys,
    ulong Bytes,
    ulong EstimatedKeys,
    double ReportedMbps,
    int ProgressMessages,
    bool Done)
{
    /// <summary>Megabytes (10^6 bytes) per second of this stream over its whole call.</summary>
    public double MegabytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / 1e6 / Elapsed.TotalSeconds : double.NaN;

    public double KeysPerSecond => Elapsed > TimeSpan.Zero ? Keys / Elapsed.TotalSeconds : double.NaN;
}

/// <summary>
/// One pull: asks the target node to FetchRanges from a source, reads the progress stream to the end and
/// keeps the last totals. The target does the work (StreamRange from the source, merge, durable apply);
/// this side only waits, so its own cost does not enter the figure.
/// </summary>
public static class StreamPull
{
    /// <summary>The ring split into <paramref name="parts"/> equal token ranges (one part = the whole ring).</summary>
    public static TokenRange[] SplitRing(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts);
        if (parts == 1)
        {
            return [new TokenRange { StartToken = 0, EndToken = 0 }];
        }

        var ranges = new TokenRange[parts];
        var step = ulong.MaxValue / (ulong)parts;
        for (var i = 0; i < parts; i++)
        {
            var start = step * (ulong)i;
            // The last range ends where the first begins, wrapping past ulong.MaxValue.
            var end = i == parts - 1 ? 0 : step * (ulong)(i + 1);
            ranges[i] = new TokenRange { StartToken = start, EndToken = end };
        }

        return ranges;
    }

    public static async Task<StreamFigures> RunAsync(
        StorageService.StorageServiceClient target, Uri source, TokenRange range, string streamId, CancellationToken cancellationToken)
    {
        var request = new FetchRangesRequest
        {
            SourceHost = source.Host,
            SourcePort = (uint)source.Port,
            StreamId = streamId,
        };
        request.Ranges.Add(range);
        var started = Stopwatch.GetTimestamp();
        var first = TimeSpan.Zero;
        var messages = 0;
        FetchRangesProgress? last = null;
        using var call = target.FetchRanges(request, cancellationToken: cancellationToken);
        await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (messages++ == 0)
            {
                first = Stopwatch.GetElapsedTime(started);
            }

            last = progress;
            if (progress.Done)
            {
                break;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return new StreamFigures(
            streamId,
            elapsed,
            first,
            last?.KeysCopied ?? 0,
            last?.BytesTransferred ?? 0,
            last?.EstimatedKeys ?? 0,
            last?.ThroughputMbps ?? double.NaN,
            messages,
            last?.Done ?? false);
    }

    /// <summary>
    /// StreamRange from the source drained by this process, applying nothing: what the source side and the
    /// transport can deliver, to set beside a FetchRanges run whose target also merges and syncs.
    /// </summary>
    public static async Task<StreamFigures> DrainSourceAsync(StorageService.StorageServiceClient source, TokenRange range, CancellationToken cancellationToken)
    {
        var request = new StreamRangeRequest();
        request.Ranges.Add(range);
        var started = Stopwatch.GetTimestamp();
        var first = TimeSpan.Zero;
        var messages = 0;
        ulong keys = 0, bytes = 0, estimated = 0;
        var done = false;
        using var call = source.StreamRange(request, cancellationToken: cancellationToken);
        await foreach (var batch in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (messages++ == 0)
            {
                first = Stopwatch.GetElapsedTime(started);
                estimated = batch.EstimatedKeys;
            }

            foreach (var entry in batch.Entries)
            {
                bytes += (ulong)(entry.Key.Length + entry.Versions.Length);
            }

            keys += (ulong)batch.Entries.Count;
            done = batch.Done;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return new StreamFigures("source-drain", elapsed, first, keys, bytes, estimated, double.NaN, messages, done);
    }
}
