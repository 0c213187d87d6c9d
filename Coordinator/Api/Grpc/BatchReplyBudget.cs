using PairDb.Contracts.Errors;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Bounds what one BatchGet holds and answers: at most <see cref="Concurrency"/> of its reads run at
/// once, and once the reply reaches the batch byte cap the reads not yet started are answered with
/// BATCH_TOO_LARGE (1009) instead of being done, so the reply stays within the message budget (the
/// cap plus the reads in flight) however large the objects. The caller reads those keys again.
/// </summary>
public sealed class BatchReplyBudget(long maxBytes)
{
    /// <summary>Reads of one batch in flight at once: enough to overlap replica round trips, few enough to bound memory.</summary>
    public const int Concurrency = 32;

    private readonly SemaphoreSlim _slots = new(Concurrency, Concurrency);
    private long _bytes;

    /// <summary>Runs <paramref name="read"/> when a slot is free and the budget is not spent; else throws 1009.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> read, Func<T, long> sizeOf, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _bytes) >= maxBytes)
            {
                PairDbException.Throw(ErrorCode.BatchTooLarge,
                    $"the batch reply reached the batch byte cap ({maxBytes} bytes, Validation:MaxBatchBytes) before this item; read it in another batch");
            }

            var result = await read().ConfigureAwait(false);
            Interlocked.Add(ref _bytes, sizeOf(result));
            return result;
        }
        finally
        {
            _slots.Release();
        }
    }
}
