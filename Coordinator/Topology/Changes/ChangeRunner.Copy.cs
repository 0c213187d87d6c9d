using Grpc.Core;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology.Streaming;

namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeRunner
{
    /// <summary>
    /// Copying: every stream not yet copied pulls its ranges (FetchRanges on the target) from its
    /// persisted resume key, at most MaxConcurrentStreams per node, while a writer persists the
    /// progress every ProgressInterval. Targets above their disk warning threshold are refused
    /// before their first batch.
    /// </summary>
    private async Task CopyAsync(ChangeRun run)
    {
        List<StreamProgress> pending;
        lock (run.Gate)
        {
            pending = run.Details.Streams.FindAll(s => s.State == StreamStates.Copying);
            run.Details.CopyStartedAt ??= _time.GetUtcNow();
        }
        if (pending.Count == 0)
        {
            return;
        }
        await CheckDisksAsync(run, pending);

        using var writerStop = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        var writer = WriteProgressAsync(run, writerStop.Token);
        try
        {
            var copies = new Task[pending.Count];
            for (var i = 0; i < copies.Length; i++)
            {
                copies[i] = StopOthersOnFailureAsync(run, CopyStreamAsync(run, pending[i]));
            }
            await Task.WhenAll(copies);
        }
        finally
        {
            await writerStop.CancelAsync();
            await writer;
        }
        await SaveAsync(run);
    }

    /// <summary>A stream that fails the change stops its siblings, which would otherwise keep the change paused forever.</summary>
    private static async Task StopOthersOnFailureAsync(ChangeRun run, Task copy)
    {
        try
        {
            await copy;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Stop($"another stream failed: {e.Message}");
            throw;
        }
    }

    /// <summary>Refuses (fails the change) a target above its disk warning threshold that has received nothing yet.</summary>
    private async Task CheckDisksAsync(ChangeRun run, List<StreamProgress> pending)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        lock (run.Gate)
        {
            foreach (var stream in pending)
            {
                if (stream.LastKey is null && stream.KeysCopied == 0)
                {
                    targets.Add(stream.Target);
                }
            }
        }
        foreach (var target in targets)
        {
            for (var attempt = 0; ; attempt++)
            {
                DiskUsage usage;
                try
                {
                    usage = await _disks.ReadAsync(NodeOf(target, run), run.Token);
                }
                catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException && !run.Token.IsCancellationRequested)
                {
                    Pause(run, $"cannot read the disk usage of target {target}: {e.Message}", target);
                    await BackoffAsync(attempt, run.Token);
                    continue;
                }
                if (usage.AboveWarning)
                {
                    throw new ChangeFailedException(
                        $"target storage node '{target}' is at {usage.Percent:0.#}% disk usage, at or above its warning threshold of {usage.WarningThreshold:0.#}%; free space (runbook 1.2) and restart the change");
                }
                break;
            }
        }
        run.SetWaiting(null);
    }

    private async Task CopyStreamAsync(ChangeRun run, StreamProgress stream)
    {
        var streamId = $"{run.ChangeId}/{stream.Id}";
        var failures = 0;
        while (stream.State == StreamStates.Copying)
        {
            run.Token.ThrowIfCancellationRequested();
            var before = stream.KeysCopied;
            var paused = await CopyOnceAsync(run, stream, streamId);
            if (paused is null)
            {
                return;
            }
            // The backoff grows only while nothing gets through; it is spent without the stream's
            // slots, so streams between other nodes go on meanwhile.
            failures = stream.KeysCopied > before ? 0 : failures + 1;
            Pause(run, $"stream {stream.Source} -> {stream.Target} paused: {paused}", stream.Target);
            await BackoffAsync(failures, run.Token);
        }
    }

    /// <summary>One pull of the stream within its node slots; null when it finished, else why it paused.</summary>
    private async Task<string?> CopyOnceAsync(ChangeRun run, StreamProgress stream, string streamId)
    {
        var source = NodeOf(stream.Source, run);
        var target = NodeOf(stream.Target, run);
        using var slots = await _slots.AcquireAsync(source.NodeId, target.NodeId, run.Token);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        try
        {
            await PullAsync(run, stream, source, target, streamId, stall);
            if (stream.State == StreamStates.Copying)
            {
                return "FetchRanges ended before its last batch";
            }
            LogStreamCopied(run.ChangeId, stream.Id, stream.Source, stream.Target, stream.KeysCopied, stream.BytesTransferred);
            return null;
        }
        catch (Exception e) when (!run.Token.IsCancellationRequested && (NodeStreams.IsTransient(e) || e is OperationCanceledException))
        {
            return e is OperationCanceledException ? $"no progress for {_options.StreamStallTimeout}" : Describe(e);
        }
        catch (RpcException e) when (!run.Token.IsCancellationRequested)
        {
            throw new ChangeFailedException($"stream {stream.Source} -> {stream.Target} failed: {Describe(e)}");
        }
    }

    /// <summary>One FetchRanges call from the stream's resume key; progress lands in the stream's details as it is reported.</summary>
    private async Task PullAsync(ChangeRun run, StreamProgress stream, RingNode source, RingNode target, string streamId, CancellationTokenSource stall)
    {
        long baseKeys, baseBytes;
        byte[]? startAfter;
        List<TokenRange> ranges;
        lock (run.Gate)
        {
            baseKeys = stream.KeysCopied;
            baseBytes = stream.BytesTransferred;
            startAfter = stream.LastKey;
            ranges = ChangeDetails.ToRanges(stream.Ranges);
        }
        stall.CancelAfter(_options.StreamStallTimeout);
        await foreach (var progress in _streams.FetchAsync(target, source, ranges, startAfter, streamId, stall.Token))
        {
            stall.CancelAfter(_options.StreamStallTimeout);
            lock (run.Gate)
            {
                if (!progress.LastKey.IsEmpty)
                {
                    stream.LastKey = progress.LastKey.ToByteArray();
                }
                stream.KeysCopied = baseKeys + (long)progress.KeysCopied;
                stream.BytesTransferred = baseBytes + (long)progress.BytesTransferred;
                if (progress.EstimatedKeys > 0)
                {
                    stream.EstimatedKeys = baseKeys + (long)progress.EstimatedKeys;
                }
                if (progress.Done)
                {
                    stream.State = StreamStates.Copied;
                }
                if (run.Details.Waiting is not null)
                {
                    run.Details.Waiting = null;
                }
            }
        }
    }

    /// <summary>Persists copy progress every ProgressInterval until stopped, checking the run still holds its lock.</summary>
    private async Task WriteProgressAsync(ChangeRun run, CancellationToken stop)
    {
        using var ticks = new PeriodicTimer(_options.ProgressInterval, _time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stop))
            {
                try
                {
                    await run.Lease.VerifyAsync(stop);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
                {
                    run.Stop($"lost the change's advisory lock session: {e.Message}");
                    return;
                }
                await SaveAsync(run);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Copying ended (or the run stopped): the caller writes the final state.
        }
        catch (Npgsql.NpgsqlException e)
        {
            // PostgreSQL away: stop rather than copy on without a resume point; the job runs it again.
            run.Stop($"cannot persist progress: {e.Message}");
        }
    }

    private void Pause(ChangeRun run, string why, string nodeId)
    {
        run.SetWaiting(why);
        LogPaused(run.ChangeId, nodeId, why);
    }

    private static string Describe(Exception e) => e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
}
