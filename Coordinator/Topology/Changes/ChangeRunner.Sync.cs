using Grpc.Core;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology.Streaming;

namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeRunner
{
    /// <summary>
    /// Streaming: the writes that arrived meanwhile. Pending-range writes reached the gainers as they
    /// happened; the ones that failed became hints, replayed here to every gainer now rather than at
    /// the replay job's pace.
    /// </summary>
    private async Task ReplayHintsAsync(ChangeRun run)
    {
        List<string> gainers;
        lock (run.Gate)
        {
            gainers = Gainers(run);
        }
        var started = _time.GetTimestamp();
        long replayed = 0;
        foreach (var gainer in gainers)
        {
            replayed += await _hints.ReplayTargetNowAsync(NodeOf(gainer, run), run.Token);
        }
        var duration = _time.GetElapsedTime(started);
        lock (run.Gate)
        {
            run.Details.HintsReplayed += replayed;
            CountStreamed(run);
        }
        if (run.IsBootstrap)
        {
            _metrics.HintsReplayedForBootstrap(replayed, duration);
        }
        LogHintsReplayed(run.ChangeId, gainers.Count, replayed, duration.TotalMilliseconds);
    }

    /// <summary>
    /// Syncing: per stream, RangeDigests of its ranges on source and target. A range whose digests
    /// differ is logged (<c>Checksum mismatch, re-syncing range</c>), counted and fetched again from
    /// its start (a merge: nothing the target holds is lost), up to MaxResyncAttempts times. After
    /// that the change proceeds: the re-fetch made the target a superset of the source, so what still
    /// differs are writes the target received and the source missed.
    /// </summary>
    private async Task SyncAsync(ChangeRun run)
    {
        List<StreamProgress> streams;
        lock (run.Gate)
        {
            streams = run.Details.Streams.FindAll(s => s.State != StreamStates.Synced);
        }
        foreach (var stream in streams)
        {
            await SyncStreamAsync(run, stream);
            lock (run.Gate)
            {
                stream.State = StreamStates.Synced;
            }
            await SaveAsync(run);
        }
    }

    private async Task SyncStreamAsync(ChangeRun run, StreamProgress stream)
    {
        List<TokenRange> ranges;
        lock (run.Gate)
        {
            ranges = ChangeDetails.ToRanges(stream.Ranges);
        }
        var resyncs = 0;
        for (var attempt = 0; ; )
        {
            var source = NodeOf(stream.Source, run);
            var target = NodeOf(stream.Target, run);
            try
            {
                var mismatched = await CompareAsync(source, target, ranges, run.Token);
                if (mismatched.Count == 0)
                {
                    LogRangesVerified(run.ChangeId, stream.Id, stream.Source, stream.Target, ranges.Count, resyncs);
                    return;
                }
                if (resyncs >= _options.MaxResyncAttempts)
                {
                    LogStillDifferent(run.ChangeId, stream.Source, stream.Target, mismatched.Count, resyncs);
                    return;
                }
                foreach (var range in mismatched)
                {
                    LogChecksumMismatch(run.ChangeId, range.ToString(), stream.Source, stream.Target);
                    _metrics.Resynced();
                }
                resyncs++;
                lock (run.Gate)
                {
                    stream.Resyncs++;
                }
                await RefetchAsync(run, stream, source, target, mismatched);
                attempt = 0;
            }
            catch (Exception e) when (!run.Token.IsCancellationRequested && (NodeStreams.IsTransient(e) || e is OperationCanceledException))
            {
                Pause(run, $"sync {stream.Source} -> {stream.Target} paused: {Describe(e)}", stream.Target);
                await BackoffAsync(attempt++, run.Token);
            }
            catch (RpcException e) when (!run.Token.IsCancellationRequested)
            {
                throw new ChangeFailedException($"sync {stream.Source} -> {stream.Target} failed: {Describe(e)}");
            }
        }
    }

    private async Task<List<TokenRange>> CompareAsync(RingNode source, RingNode target, List<TokenRange> ranges, CancellationToken cancellationToken)
    {
        var onSource = _streams.DigestsAsync(source, ranges, cancellationToken);
        var onTarget = _streams.DigestsAsync(target, ranges, cancellationToken);
        await Task.WhenAll(onSource, onTarget);
        var mismatched = new List<TokenRange>();
        for (var i = 0; i < ranges.Count; i++)
        {
            var a = onSource.Result[i];
            var b = onTarget.Result[i];
            if (a.KeyCount != b.KeyCount || a.Digest != b.Digest)
            {
                mismatched.Add(ranges[i]);
            }
        }
        return mismatched;
    }

    /// <summary>Fetches the ranges again from their first key; bytes count into the stream's total, keys do not (they were copied once already).</summary>
    private async Task RefetchAsync(ChangeRun run, StreamProgress stream, RingNode source, RingNode target, List<TokenRange> ranges)
    {
        using var slots = await _slots.AcquireAsync(source.NodeId, target.NodeId, run.Token);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        stall.CancelAfter(_options.StreamStallTimeout);
        ulong lastBytes = 0;
        await foreach (var progress in _streams.FetchAsync(target, source, ranges, null, $"{run.ChangeId}/{stream.Id}/resync", stall.Token))
        {
            stall.CancelAfter(_options.StreamStallTimeout);
            lock (run.Gate)
            {
                stream.BytesTransferred += (long)(progress.BytesTransferred - lastBytes);
            }
            lastBytes = progress.BytesTransferred;
            if (progress.Done)
            {
                return;
            }
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "FetchRanges ended before its last batch"));
    }
}
