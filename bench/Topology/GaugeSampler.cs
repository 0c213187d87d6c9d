namespace PairDb.Bench.Topology;

/// <summary>
/// Samples a gauge on a host's /metrics every <see cref="Interval"/> until disposed, e.g. the receiving
/// node's <c>streaming_throughput_mbps</c> during a pull; keeps the peak and the mean of non-zero samples.
/// </summary>
public sealed class GaugeSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _sum;
    private int _nonZero;

    private GaugeSampler(HttpClient http, Uri admin, string prefix)
    {
        _loop = LoopAsync(http, admin, prefix);
    }

    public double Peak { get; private set; } = double.NaN;

    /// <summary>Mean of the samples above zero (the gauge reads 0 between pulls); NaN when none.</summary>
    public double Mean => _nonZero == 0 ? double.NaN : _sum / _nonZero;

    public int Samples { get; private set; }

    public static GaugeSampler Start(HttpClient http, Uri admin, string prefix) => new(http, admin, prefix);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(HttpClient http, Uri admin, string prefix)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (await MetricsScrape.SumAsync(http, admin, prefix, _stop.Token) is not { } value)
                {
                    continue;
                }

                Samples++;
                Peak = double.IsNaN(Peak) ? value : Math.Max(Peak, value);
                if (value > 0)
                {
                    _sum += value;
                    _nonZero++;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
