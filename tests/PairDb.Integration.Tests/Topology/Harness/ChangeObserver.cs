using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Npgsql;
using PairDb.Contracts.Grpc;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// One look at a change: what ListStorageNodes said about the node (taken first), then one SQL
/// statement reading the node's state and its latest change of the type together (one snapshot).
/// </summary>
internal sealed record ChangeSample(TimeSpan At, NodeState? Listed, string? RowState, string? Status, int Progress, string Phase, long KeysCopied, string ChangeId)
{
    public override string ToString() =>
        $"t={At.TotalSeconds:0.0}s listed={(Listed is null ? "n/a" : Listed == NodeState.Unspecified ? "absent" : Listed.ToString())} row={RowState ?? "absent"} status={Status} progress={Progress} phase={Phase} keys_copied={KeysCopied}";
}

/// <summary>
/// Samples a node's change every 100 ms in the background while a test drives it, so that the test
/// can assert on the whole history: progress never going down, ownership moving only at the end.
/// Samples taken while the coordinator is down keep the SQL part and leave Listed empty.
/// </summary>
internal sealed class ChangeObserver : IAsyncDisposable
{
    private readonly TopologyCluster _cluster;
    private readonly string _nodeId;
    private readonly string _type;
    private readonly ConcurrentQueue<ChangeSample> _samples = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    public ChangeObserver(TopologyCluster cluster, string nodeId, string type)
    {
        _cluster = cluster;
        _nodeId = nodeId;
        _type = type;
        _loop = Task.Run(RunAsync);
    }

    public IReadOnlyList<ChangeSample> Samples => [.. _samples];

    /// <summary>Progress values seen, in order, for the change observed last.</summary>
    public IReadOnlyList<int> ProgressHistory()
    {
        var samples = Samples.Where(s => s.Status is not null).ToList();
        var id = samples.Count == 0 ? "" : samples[^1].ChangeId;
        return [.. samples.Where(s => s.ChangeId == id).Select(s => s.Progress)];
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    /// <summary>
    /// pending_changes.progress of the change only ever went up, passed through values between 0 and
    /// 100 while it ran, and ended at 100 (runbook 5.1 step 2: progress rises).
    /// </summary>
    public void AssertProgressRoseTo100()
    {
        var history = ProgressHistory();
        Assert.That(history, Is.Not.Empty, "the observer saw the change's row");
        for (var i = 1; i < history.Count; i++)
        {
            Assert.That(history[i], Is.GreaterThanOrEqualTo(history[i - 1]), $"progress never decreases; history:\n{Describe()}");
        }
        Assert.That(history[^1], Is.EqualTo(100), $"progress ends at 100; history:\n{Describe()}");
        Assert.That(history.Any(p => p is > 0 and < 100), Is.True, $"progress was seen between 0 and 100 while streaming; history:\n{Describe()}");
    }

    /// <summary>
    /// Until the change completed, storage_nodes showed the node <paramref name="duringState"/> and
    /// ListStorageNodes never showed it as it is after the change (<paramref name="listedAfter"/>:
    /// NORMAL after a bootstrap, absent (Unspecified) after a decommission), so its ownership had not
    /// moved; the move showed only together with the change's completion. The listing of a sample is
    /// taken before its SQL snapshot, so it may still show the state before the change started, but a
    /// listing already showing the final state while the later snapshot showed the change running
    /// would be a real violation, not a race of the observer.
    /// </summary>
    public void AssertOwnershipMovedOnlyAtCompletion(string duringState, NodeState listedDuring, NodeState listedAfter)
    {
        var running = 0;
        var listedRunning = 0;
        foreach (var sample in Samples)
        {
            if (sample.Status is null or "completed" or "cleaned_up")
            {
                continue;
            }
            running++;
            Assert.That(sample.RowState, Is.EqualTo(duringState), $"storage_nodes.state while the change is {sample.Status}: {sample}\nhistory:\n{Describe()}");
            Assert.That(sample.Listed, Is.Not.EqualTo(listedAfter), $"ListStorageNodes while the change is {sample.Status}: {sample}\nhistory:\n{Describe()}");
            if (sample.Listed == listedDuring)
            {
                listedRunning++;
            }
        }
        Assert.That(running, Is.GreaterThan(0), $"the observer saw the change while it ran; history:\n{Describe()}");
        Assert.That(listedRunning, Is.GreaterThan(0), $"ListStorageNodes showed the node {listedDuring} while the change ran; history:\n{Describe()}");
    }

    /// <summary>The history as text, for failure messages (every distinct sample).</summary>
    public string Describe()
    {
        var lines = new List<string>();
        string? previous = null;
        foreach (var sample in Samples)
        {
            var text = sample with { At = TimeSpan.Zero };
            if (text.ToString() != previous)
            {
                lines.Add(sample.ToString());
                previous = text.ToString();
            }
        }
        return string.Join("\n", lines.TakeLast(60));
    }

    private async Task RunAsync()
    {
        using var ticks = new PeriodicTimer(Until.Poll);
        do
        {
            NodeState? listed = null;
            try
            {
                listed = _cluster.CoordinatorRunning ? await _cluster.ListedStateAsync(_nodeId) ?? NodeState.Unspecified : null;
            }
            catch (RpcException)
            {
                listed = null;
            }
            try
            {
                _samples.Enqueue(await SqlSampleAsync(listed));
            }
            catch (NpgsqlException)
            {
                // The database is shared and alive for the whole test; a lost sample is only a gap.
            }
            try
            {
                await ticks.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (!_stop.IsCancellationRequested);
    }

    private async Task<ChangeSample> SqlSampleAsync(NodeState? listed)
    {
        await using var connection = await _cluster.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT state FROM storage_nodes WHERE node_id = @node), c.status, c.progress, c.details::text, c.change_id " +
            "FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM pending_changes WHERE node_id = @node AND type = @type " +
            "ORDER BY start_time DESC, change_id DESC LIMIT 1) c ON true", connection);
        command.Parameters.AddWithValue("node", _nodeId);
        command.Parameters.AddWithValue("type", _type);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var state = reader.IsDBNull(0) ? null : reader.GetString(0);
        if (reader.IsDBNull(1))
        {
            return new ChangeSample(_clock.Elapsed, listed, state, null, 0, "", 0, "");
        }
        var details = System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(3)) as System.Text.Json.Nodes.JsonObject ?? [];
        var row = new ChangeRow(reader.GetString(4), _type, _nodeId, reader.GetString(1), reader.GetInt32(2), default, null, details, null);
        return new ChangeSample(_clock.Elapsed, listed, state, row.Status, row.Progress, row.Phase, row.KeysCopied, row.ChangeId);
    }
}
