#if !PAIRDB_CHECKER
using System.Collections.Concurrent;
using PairDb.Client;

namespace PairDb.Chaos.Run;

// A PRIVATE STAND-IN for the `checker` branch's workload and checker, so the runner works before that branch lands.
// At merge: delete this file and implement ChaosWorkloads.Create with ChaosWorkload + HistoryChecker (see
// chaos/README.md, "Merging the checker"). Its check is deliberately weak: every acknowledged put whose key was not
// deleted or written again afterwards must be among the final values.

/// <summary>Builds the workload the runner drives.</summary>
public static class ChaosWorkloads
{
    public static IChaosWorkload Create(WorkloadSettings settings) => new StandInWorkload(settings);
}

internal sealed class StandInWorkload(WorkloadSettings settings) : IChaosWorkload
{
    private const int Keys = 64;
    private readonly ConcurrentDictionary<(string Kind, string Outcome), long> _counts = new();
    private readonly ConcurrentDictionary<string, byte> _touched = new();
    // The last acknowledged put of each key, when no other write or delete of it was attempted after it began.
    private readonly ConcurrentDictionary<string, (long Sequence, string? Value)> _last = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private long _sequence;

    public string Tenant => "chaos";

    public IReadOnlyCollection<string> KeysTouched => _touched.Keys.ToArray();

    public async Task<OperationCounts> RunAsync(TimeSpan duration, Action<WorkloadTick> progress, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var clients = settings.Endpoints.Select(settings.ClientFactory).ToArray();
        try
        {
            var workers = Enumerable.Range(0, settings.Clients).Select(i => WorkAsync(clients[i % clients.Length], new Random(settings.Seed * 1000 + i), stop.Token)).ToList();
            var ticker = TickAsync(progress, stop.Token);
            await Task.WhenAll(workers);
            await ticker;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        return Snapshot();
    }

    private async Task TickAsync(Action<WorkloadTick> progress, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var c = _counts.ToArray();
            progress(new WorkloadTick(c.Sum(p => p.Value), Sum(c, "ok"), Sum(c, "fail"), Sum(c, "unknown")));
        }
    }

    private static long Sum(KeyValuePair<(string Kind, string Outcome), long>[] counts, string outcome) => counts.Where(p => p.Key.Outcome == outcome).Sum(p => p.Value);

    private async Task WorkAsync(PairDbClient client, Random random, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var key = $"k{random.Next(Keys):D3}";
            var roll = random.Next(10);
            var consistency = random.Next(3) switch { 0 => ConsistencyLevel.One, 1 => ConsistencyLevel.Quorum, _ => ConsistencyLevel.All };
            var kind = roll switch { < 4 => "read", < 8 => "put", _ => "delete" };
            var sequence = Interlocked.Increment(ref _sequence);
            var value = $"{key}-{sequence}";
            var overlapped = false;
            if (kind != "read")
            {
                _touched[key] = 0;
                _last[key] = (sequence, null);
                // A write that began while another write of the key was in flight has no clear "last" value.
                overlapped = _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1;
            }
            string outcome;
            try
            {
                using var call = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                switch (kind)
                {
                    case "read":
                        await client.GetAsync(Tenant, key, new ReadOptions { Consistency = consistency }, call.Token);
                        break;
                    case "put":
                        await client.PutAsync(Tenant, key, value, options: new WriteOptions { Consistency = consistency }, cancellationToken: call.Token);
                        if (!overlapped)
                        {
                            _last.TryUpdate(key, (sequence, value), (sequence, null));
                        }
                        break;
                    default:
                        var current = await client.GetAsync(Tenant, key, new ReadOptions { Consistency = ConsistencyLevel.Quorum }, call.Token);
                        await client.DeleteAsync(Tenant, key, current.Context, new WriteOptions { Consistency = consistency }, call.Token);
                        break;
                }
                outcome = "ok";
            }
            catch (PairDbClientException e) when (e.Code is Contracts.Errors.ErrorCode.KeyNotFound)
            {
                outcome = "ok";
            }
            catch (Exception e) when (e is PairDbClientException or OperationCanceledException or Grpc.Core.RpcException)
            {
                outcome = kind == "read" ? "fail" : "unknown";
                if (ct.IsCancellationRequested)
                {
                    return;
                }
            }
            if (kind != "read")
            {
                _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            }
            _counts.AddOrUpdate(($"{kind}-{consistency.ToString().ToLowerInvariant()}", outcome), 1, (_, n) => n + 1);
        }
    }

    public async Task<CheckOutcome> CheckAsync(TimeSpan finalReadTimeout, CancellationToken ct)
    {
        var findings = new List<Finding>();
        using var client = settings.ClientFactory(settings.Endpoints[0]);
        foreach (var (key, last) in _last)
        {
            if (last.Value is null)
            {
                continue;
            }
            GetResult? read = null;
            var deadline = DateTime.UtcNow + finalReadTimeout;
            while (read is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    read = await client.GetAsync(Tenant, key, new ReadOptions { Consistency = ConsistencyLevel.All }, ct);
                }
                catch (PairDbClientException)
                {
                    await Task.Delay(500, ct);
                }
            }
            var values = read?.Siblings.Where(s => !s.IsTombstone).Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span)).ToArray() ?? [];
            if (read is null)
            {
                findings.Add(new Finding("final-read-failed", key, $"no read at ALL answered within {finalReadTimeout.TotalSeconds:0}s"));
            }
            else if (!values.Contains(last.Value))
            {
                findings.Add(new Finding("lost-write", key, $"acknowledged put '{last.Value}' (the last write of the key) is missing; final values [{string.Join(", ", values)}]"));
            }
        }
        return new CheckOutcome(findings.Count == 0, findings.Take(10).ToArray(), findings.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count()));
    }

    private OperationCounts Snapshot() => new(_counts.GroupBy(p => p.Key.Kind).ToDictionary(
        g => g.Key, g => (IReadOnlyDictionary<string, long>)g.ToDictionary(p => p.Key.Outcome, p => p.Value)));
}
#endif
