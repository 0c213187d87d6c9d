using System.Text;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Workload;

/// <summary>
/// One closed-loop client of the workload: draws a step from its own seeded random source, runs it
/// against its coordinator, records every call (the read of a read-modify-write is an operation of its
/// own, which the write then names as its context), and starts the next step when the last one ended.
/// </summary>
internal sealed class WorkloadClient(
    int id, WorkloadOptions options, PairDbClient client, RunClock clock, History.History history, WorkloadCounters counters)
{
    private readonly Random _random = new(unchecked(options.Seed + id));
    private readonly string _endpoint = client.Options.Endpoint.ToString();
    private int _writes;
    private int _failuresInARow;

    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var key = options.KeyName(_random.Next(options.Keys));
            switch (options.Mix.Draw(_random))
            {
                case StepKind.Read:
                    await ReadAsync(key, (ConsistencyLevel)_random.Next(3), cancellationToken);
                    break;
                case StepKind.BlindPut:
                    await PutAsync(key, null, ttl: null, cancellationToken);
                    break;
                case StepKind.ReadModifyWrite:
                    await ReadModifyWriteAsync(key, ttl: null, cancellationToken);
                    break;
                case StepKind.Delete:
                    await ReadThenDeleteAsync(key, cancellationToken);
                    break;
                case StepKind.TtlPut when _random.Next(2) == 0:
                    await PutAsync(key, null, options.LongTtl, cancellationToken);
                    break;
                case StepKind.TtlPut:
                    await ReadModifyWriteAsync(key, options.LongTtl, cancellationToken);
                    break;
            }
        }
    }

    private async Task ReadModifyWriteAsync(string key, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var (read, context) = await ReadAsync(key, options.WriteConsistency, cancellationToken);
        if (read.Outcome == OpOutcome.Ok)
        {
            await PutAsync(key, (read, context), ttl, cancellationToken);
        }
    }

    private async Task ReadThenDeleteAsync(string key, CancellationToken cancellationToken)
    {
        var (read, context) = await ReadAsync(key, options.WriteConsistency, cancellationToken);
        // Nothing live to delete: a tombstone covering nothing would only add a sibling.
        if (read is not { Outcome: OpOutcome.Ok, ValuesRead.Count: > 0 })
        {
            return;
        }

        var template = new Operation(0, id, OpKind.Delete, key, null, options.WriteConsistency, !context.IsEmpty,
            read.ValuesRead, read.Index, null, 0, 0, OpOutcome.Ok, null, _endpoint);
        await RecordAsync(template, async token =>
        {
            await client.DeleteAsync(options.Tenant, key, context, new WriteOptions { Consistency = options.WriteConsistency }, token);
            return null;
        }, cancellationToken);
    }

    private async Task PutAsync(string key, (Operation Read, ReadOnlyMemory<byte> Context)? from, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var value = $"c{id}-w{++_writes}";
        var context = from?.Context ?? ReadOnlyMemory<byte>.Empty;
        var template = new Operation(0, id, OpKind.Put, key, value, options.WriteConsistency, !context.IsEmpty,
            from?.Read.ValuesRead ?? [], from?.Read.Index, ttl is { } t ? (int)t.TotalSeconds : null, clock.ElapsedMs, 0, OpOutcome.Ok, null, _endpoint);
        await RecordAsync(template, async token =>
        {
            await client.PutAsync(options.Tenant, key, value, context, new WriteOptions { Consistency = options.WriteConsistency, Ttl = ttl }, token);
            return null;
        }, cancellationToken);
    }

    private async Task<(Operation Read, ReadOnlyMemory<byte> Context)> ReadAsync(string key, ConsistencyLevel consistency, CancellationToken cancellationToken)
    {
        var context = ReadOnlyMemory<byte>.Empty;
        var template = new Operation(0, id, OpKind.Read, key, null, consistency, false, [], null, null, clock.ElapsedMs, 0, OpOutcome.Ok, null, _endpoint);
        var read = await RecordAsync(template, async token =>
        {
            var result = await client.GetAsync(options.Tenant, key, new ReadOptions { Consistency = consistency }, token);
            context = result.Context;
            var values = new List<string>(result.LiveCount);
            foreach (var sibling in result.Siblings)
            {
                if (!sibling.IsTombstone)
                {
                    values.Add(Encoding.UTF8.GetString(sibling.Value.Span));
                }
            }
            return values;
        }, cancellationToken);
        return (read, context);
    }

    /// <summary>Runs one call under the operation deadline and appends its outcome to the history.</summary>
    private async Task<Operation> RecordAsync(Operation template, Func<CancellationToken, Task<IReadOnlyList<string>?>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.OperationTimeout);
        // Invoked now, not when the template was made: the time the request leaves matters.
        var invoked = clock.ElapsedMs;
        Operation done;
        try
        {
            var values = await call(deadline.Token);
            done = template with { InvokeMs = invoked, CompleteMs = clock.ElapsedMs, Outcome = OpOutcome.Ok, ValuesRead = values };
        }
        catch (Exception e)
        {
            // Whatever broke (the SDK's typed errors, or a transport failure it did not map), the call
            // was made: it is recorded, with the exception's type as its code when it carries no pairdb code.
            var (outcome, code, message) = OutcomeClassifier.Classify(e, options.QuorumNotMetIsDefinite);
            done = template with { InvokeMs = invoked, CompleteMs = clock.ElapsedMs, Outcome = outcome, ErrorCode = code, Error = message };
        }
        var stored = history.Append(done);
        counters.Count(stored.Outcome);
        await BackOffAsync(stored.Outcome, cancellationToken);
        return stored;
    }

    /// <summary>After a failed call, pauses 5 ms doubling per failure in a row, up to <see cref="WorkloadOptions.MaxFailureBackoff"/>.</summary>
    private async Task BackOffAsync(OpOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome == OpOutcome.Ok)
        {
            _failuresInARow = 0;
            return;
        }
        var pause = TimeSpan.FromMilliseconds(5 << Math.Min(_failuresInARow++, 10));
        if (pause > options.MaxFailureBackoff)
        {
            pause = options.MaxFailureBackoff;
        }
        if (pause > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(pause, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The run ended during the pause: the loop sees it.
            }
        }
    }
}
