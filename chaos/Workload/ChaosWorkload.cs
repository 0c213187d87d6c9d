using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Workload;

/// <summary>
/// The chaos run's workload (issue 16): <see cref="WorkloadOptions.Clients"/> concurrent closed-loop
/// clients over a small keyspace, spread round-robin over the coordinators, running a seeded mix of
/// blind puts, read-modify-write puts, deletes with a read's context, reads at ONE/QUORUM/ALL and
/// long-TTL puts. Every value written is unique (<c>c3-w1234</c>), so the checker can tell which put a
/// value came from. Every call has a deadline and is recorded with its outcome.
/// </summary>
/// <remarks>
/// The clients must not retry (<see cref="PairDbRetryOptions.MaxAttempts"/> = 1): a retried call hides
/// the outcome of its earlier attempts (a write that timed out, applied, then failed definitely on
/// retry would be recorded as not applied). The SDK's circuit breaker may stay on: a call it refuses
/// was never sent and is recorded as failed; turning it off keeps the faults exercised.
/// </remarks>
public sealed class ChaosWorkload : IAsyncDisposable
{
    private readonly WorkloadOptions _options;
    private readonly PairDbClient[] _clients;
    private RunClock? _clock;
    private History.History? _history;

    /// <param name="options">The workload's settings (validated here).</param>
    /// <param name="endpoints">One gRPC endpoint per coordinator.</param>
    /// <param name="clientFactory">Builds the SDK client of an endpoint (TLS, API key); called once per endpoint, here.</param>
    public ChaosWorkload(WorkloadOptions options, IReadOnlyList<Uri> endpoints, Func<Uri, PairDbClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(clientFactory);
        options.Validate();
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("at least one coordinator endpoint is needed", nameof(endpoints));
        }
        _options = options;
        _clients = new PairDbClient[endpoints.Count];
        for (var i = 0; i < endpoints.Count; i++)
        {
            var client = clientFactory(endpoints[i]);
            if (client.Options.Retry.MaxAttempts != 1)
            {
                foreach (var built in _clients.Take(i))
                {
                    built.Dispose();
                }
                client.Dispose();
                throw new ArgumentException(
                    $"the chaos workload needs clients without SDK retries (Retry.MaxAttempts = 1, is {client.Options.Retry.MaxAttempts} for {endpoints[i]}): " +
                    "a retried call hides whether its earlier attempts applied", nameof(clientFactory));
            }
            _clients[i] = client;
        }
    }

    /// <summary>The history of the last (or current) run; null before <see cref="RunAsync"/>.</summary>
    public History.History? History => _history;

    /// <summary>
    /// Runs the clients for <paramref name="duration"/> (each finishes the call it is in, bounded by
    /// <see cref="WorkloadOptions.OperationTimeout"/>) and returns the history. Cancelling ends the run
    /// early: calls in flight are cancelled and recorded as Unknown, and the history so far is returned.
    /// </summary>
    public async Task<History.History> RunAsync(TimeSpan duration, Action<WorkloadProgress>? progress, CancellationToken ct)
    {
        var clock = new RunClock();
        var history = new History.History(_options.Tenant, _options.Seed, clock.StartedAt);
        _clock = clock;
        _history = history;
        var counters = new WorkloadCounters();
        var loops = new Task[_options.Clients];
        for (var i = 0; i < loops.Length; i++)
        {
            var client = new WorkloadClient(i, _options, _clients[i % _clients.Length], clock, history, counters);
            loops[i] = Task.Run(() => client.RunAsync(duration, ct), CancellationToken.None);
        }

        var all = Task.WhenAll(loops);
        if (progress is not null)
        {
            using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (!all.IsCompleted)
            {
                var tick = ticks.WaitForNextTickAsync(CancellationToken.None).AsTask();
                if (await Task.WhenAny(all, tick) == tick)
                {
                    progress(counters.Snapshot(clock.Elapsed));
                }
            }
        }
        await all;
        progress?.Invoke(counters.Snapshot(clock.Elapsed));
        return history;
    }

    /// <summary>
    /// After healing: reads every key the last run touched at ALL, each retried until it answers or
    /// <paramref name="timeout"/> passes, and returns the live values per key. Keys that never answered
    /// are listed in <see cref="FinalState.UnreadKeys"/>.
    /// </summary>
    public Task<FinalState> ReadFinalStateAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_history is null || _clock is null)
        {
            throw new InvalidOperationException("the final state is read after a run: call RunAsync first");
        }
        var keys = _history.Operations.Select(operation => operation.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new FinalStateReader(_options, _clients, _clock).ReadAsync(keys, timeout, ct);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
