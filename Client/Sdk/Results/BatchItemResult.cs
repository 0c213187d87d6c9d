namespace PairDb.Client;

/// <summary>
/// The outcome of one item of a batch: a result, or the error of that item alone. Item errors are
/// not retried (the batch as a whole is, when the whole RPC fails with a retriable code).
/// </summary>
public sealed class BatchItemResult<T>
    where T : class
{
    private readonly T? _value;

    internal BatchItemResult(T value)
    {
        _value = value;
    }

    internal BatchItemResult(PairDbClientException error)
    {
        Error = error;
    }

    public bool Succeeded => Error is null;

    /// <summary>The item's error; null when it succeeded.</summary>
    public PairDbClientException? Error { get; }

    /// <summary>The item's result; throws the item's error when it failed.</summary>
    public T Value => _value ?? throw Error!;
}
