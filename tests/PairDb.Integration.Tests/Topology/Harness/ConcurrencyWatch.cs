using System.Diagnostics;
using Npgsql;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// Watches two nodes' bootstraps together every 100 ms: one SQL snapshot of both latest changes
/// (so "both in_progress" is a fact of one moment) and concurrent_bootstraps_gauge from /metrics.
/// </summary>
internal sealed class ConcurrencyWatch : IAsyncDisposable
{
    private readonly TopologyCluster _cluster;
    private readonly string _first;
    private readonly string _second;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _history = [];
    private readonly Task _loop;

    public ConcurrencyWatch(TopologyCluster cluster, string first, string second)
    {
        _cluster = cluster;
        _first = first;
        _second = second;
        _loop = Task.Run(RunAsync);
    }

    public bool BothInProgress { get; private set; }

    public bool OnePendingWhileOtherRan { get; private set; }

    public double MaxGauge { get; private set; }

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

    public override string ToString()
    {
        lock (_history)
        {
            return $"both in_progress={BothInProgress}, one pending while the other ran={OnePendingWhileOtherRan}, max gauge={MaxGauge}; history: {string.Join(" | ", _history.TakeLast(30))}";
        }
    }

    private async Task RunAsync()
    {
        using var ticks = new PeriodicTimer(Until.Poll);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var (a, b) = await StatusesAsync();
                var gauge = await _cluster.CoordinatorMetricAsync("concurrent_bootstraps_gauge");
                MaxGauge = Math.Max(MaxGauge, gauge);
                BothInProgress |= a == "in_progress" && b == "in_progress";
                OnePendingWhileOtherRan |= (a == "pending" && b == "in_progress") || (a == "in_progress" && b == "pending");
                var line = $"{a}/{b} gauge={gauge}";
                lock (_history)
                {
                    if (_history.Count == 0 || !_history[^1].EndsWith(line, StringComparison.Ordinal))
                    {
                        _history.Add($"t={_clock.Elapsed.TotalSeconds:0.0}s {line}");
                    }
                }
            }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException)
            {
                // A missed sample is a gap in the history, not a finding.
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
    }

    private async Task<(string? First, string? Second)> StatusesAsync()
    {
        await using var connection = await _cluster.OpenAsync();
        const string latest = "(SELECT status FROM pending_changes WHERE node_id = {0} AND type = 'bootstrap' ORDER BY start_time DESC, change_id DESC LIMIT 1)";
        await using var command = new NpgsqlCommand($"SELECT {string.Format(null, latest, "@a")}, {string.Format(null, latest, "@b")}", connection);
        command.Parameters.AddWithValue("a", _first);
        command.Parameters.AddWithValue("b", _second);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
