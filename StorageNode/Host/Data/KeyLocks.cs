namespace PairDb.StorageNode.Data;

/// <summary>
/// Striped locks for per-key read-modify-write: a key's stripe is chosen by its hash, so writers of
/// different keys rarely wait for each other and no global lock exists. A stripe is held from the read
/// of the current set until the engine has applied the new one (not through the fsync: a later writer
/// of the key is logged after it, so its acknowledgement also covers the earlier record). SemaphoreSlim
/// because acquiring it is awaited.
/// </summary>
public sealed class KeyLocks : IDisposable
{
    private readonly SemaphoreSlim[] _stripes;
    private readonly int _mask;

    /// <param name="stripeCount">Rounded up to a power of two.</param>
    public KeyLocks(int stripeCount = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stripeCount);
        var count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)stripeCount);
        _stripes = new SemaphoreSlim[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }

        _mask = count - 1;
    }

    public int StripeCount => _stripes.Length;

    /// <summary>The stripe of a key hash (any well-mixed 64-bit hash, e.g. its ring token).</summary>
    public int StripeOf(ulong keyHash) => (int)((keyHash ^ (keyHash >> 32)) & (uint)_mask);

    public Task AcquireAsync(int stripe, CancellationToken cancellationToken) => _stripes[stripe].WaitAsync(cancellationToken);

    public void Release(int stripe) => _stripes[stripe].Release();

    /// <summary>
    /// Acquires several stripes (a batch) in ascending order, so two batches can never wait for each
    /// other in a cycle. <paramref name="sortedDistinctStripes"/> must be sorted and free of duplicates.
    /// On cancellation the stripes already taken are released.
    /// </summary>
    public async Task AcquireAllAsync(IReadOnlyList<int> sortedDistinctStripes, CancellationToken cancellationToken)
    {
        var taken = 0;
        try
        {
            for (; taken < sortedDistinctStripes.Count; taken++)
            {
                await _stripes[sortedDistinctStripes[taken]].WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            for (var i = 0; i < taken; i++)
            {
                _stripes[sortedDistinctStripes[i]].Release();
            }

            throw;
        }
    }

    public void ReleaseAll(IReadOnlyList<int> sortedDistinctStripes)
    {
        for (var i = 0; i < sortedDistinctStripes.Count; i++)
        {
            _stripes[sortedDistinctStripes[i]].Release();
        }
    }

    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }
}
