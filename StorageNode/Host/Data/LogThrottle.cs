namespace PairDb.StorageNode.Data;

/// <summary>
/// At most one log line per <see cref="Interval"/>: a key written in a loop must not flood the log with
/// the same warning. The line that gets through reports how many were held back since the previous one.
/// </summary>
public sealed class LogThrottle(TimeSpan interval, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _nextAllowed = long.MinValue;
    private long _suppressed;

    public TimeSpan Interval { get; } = interval;

    /// <summary>True when a line may be logged now; <paramref name="suppressed"/> counts the lines held back before it.</summary>
    public bool TryEnter(out long suppressed)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (now < _nextAllowed)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            _nextAllowed = now + (long)(Interval.TotalSeconds * time.TimestampFrequency);
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
