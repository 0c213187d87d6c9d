using System.Collections.Concurrent;
using System.Text;
using PairDb.Chaos.Checking;
using PairDb.Client;

namespace PairDb.Chaos.Workload;

/// <summary>
/// Reads the final value of every key at ALL, so that every replica's copy is merged into the answer
/// (and read repair runs). A key whose read fails is tried again, on the next coordinator, until the
/// timeout; a healed cluster answers at once, a broken one leaves the key unread.
/// </summary>
internal sealed class FinalStateReader(WorkloadOptions options, IReadOnlyList<PairDbClient> clients, RunClock clock)
{
    private const int Parallelism = 8;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    public async Task<FinalState> ReadAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var readAt = clock.ElapsedMs;
        var until = clock.Elapsed + timeout;
        var values = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var unread = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (key, token) =>
            {
                if (await ReadKeyAsync(key, until, token) is { } found)
                {
                    values[key] = found;
                }
                else
                {
                    unread.Add(key);
                }
            });
        var ordered = new SortedDictionary<string, IReadOnlyList<string>>(values, StringComparer.Ordinal);
        return new FinalState(ordered, [.. unread.Order(StringComparer.Ordinal)], readAt);
    }

    private async Task<IReadOnlyList<string>?> ReadKeyAsync(string key, TimeSpan until, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = clients[attempt % clients.Count];
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.OperationTimeout);
            try
            {
                var result = await client.GetAsync(options.Tenant, key, new ReadOptions { Consistency = ConsistencyLevel.All }, deadline.Token);
                return [.. result.Siblings.Where(sibling => !sibling.IsTombstone).Select(sibling => Encoding.UTF8.GetString(sibling.Value.Span))];
            }
            catch (Exception e) when (e is PairDbClientException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not healed yet (a replica still down, a breaker still open): try again until the time is up.
            }
            if (clock.Elapsed + RetryDelay > until)
            {
                return null;
            }
            await Task.Delay(RetryDelay, cancellationToken);
        }
    }
}
