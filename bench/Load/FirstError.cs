namespace PairDb.Bench.Load;

/// <summary>Keeps the first failure message of a phase (from any caller), so the report can say what went wrong.</summary>
public sealed class FirstError
{
    private string? _message;

    public string? Message => Volatile.Read(ref _message);

    public void Note(string message) => Interlocked.CompareExchange(ref _message, message, null);
}
