using System.Diagnostics;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Paces a stream to a byte rate: a bucket of at most one second's worth of bytes refills continuously; taking
/// more than it holds waits for the refill. Zero or negative rate = unlimited. One stream, one caller at a time.
/// </summary>
public sealed class TokenBucket(double bytesPerSecond)
{
    private readonly double _rate = bytesPerSecond;
    private double _available = bytesPerSecond;
    private long _last = Stopwatch.GetTimestamp();

    public static TokenBucket FromMegabytesPerSecond(double megabytesPerSecond) => new(megabytesPerSecond * 1024 * 1024);

    /// <summary>Takes <paramref name="bytes"/>, waiting as long as the rate requires.</summary>
    public async ValueTask TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        if (_rate <= 0)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        _available = Math.Min(_rate, _available + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * _rate));
        _last = now;
        _available -= bytes;
        if (_available < 0)
        {
            // Pacing itself is the point here: the stream must not run faster than the operator's cap.
            await Task.Delay(TimeSpan.FromSeconds(-_available / _rate), cancellationToken).ConfigureAwait(false);
        }
    }
}
