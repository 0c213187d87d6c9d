using System.Diagnostics;
using System.Globalization;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

public sealed partial class BlockCache
{
    /// <summary>
    /// One hill-climbing step: if the hit rate of the last sample beat the one before, keep moving the window the same
    /// way, otherwise turn around; the step shrinks as it settles and resets when the hit rate jumps (a workload shift).
    /// </summary>
    private void Tune()
    {
        if (!Monitor.TryEnter(_tuneLock))
        {
            return; // another thread is tuning
        }

        try
        {
            if (Interlocked.Read(ref _requestsSinceTune) < SamplePeriod)
            {
                return;
            }

            Interlocked.Exchange(ref _requestsSinceTune, 0);
            var stats = GetStatistics();
            var requests = stats.Requests - _requestsAtTune;
            var hitRate = requests <= 0 ? 0 : (stats.Hits - _hitsAtTune) / (double)requests;
            _requestsAtTune = stats.Requests;
            _hitsAtTune = stats.Hits;
            if (_previousHitRate >= 0)
            {
                if (Math.Abs(hitRate - _previousHitRate) > 0.05)
                {
                    _step = InitialStep * Math.Sign(_step == 0 ? 1 : _step);
                }
                else if (hitRate < _previousHitRate)
                {
                    _step = -_step * 0.5;
                }
                else
                {
                    _step *= 0.9;
                }

                if (Math.Abs(_step) < 0.001)
                {
                    _step = 0.001 * Math.Sign(_step);
                }

                var next = Math.Clamp(_window + _step, MinWindow, MaxWindow);
                if (Math.Abs(next - _window) >= 0.0005)
                {
                    Volatile.Write(ref _window, next);
                    var perShard = CapacityBytes / _shards.Length;
                    foreach (var shard in _shards)
                    {
                        shard.Configure(perShard, next);
                    }

                    // Logged once the split moved a whole point since the last line: small oscillations are not news.
                    if (Math.Abs(next - _loggedWindow) >= 0.01)
                    {
                        _loggedWindow = next;
                        EngineLog.CacheWeightsAdjusted(
                            _logger,
                            (next * 100).ToString("0.##", CultureInfo.InvariantCulture),
                            ((1 - next) * 100).ToString("0.##", CultureInfo.InvariantCulture),
                            hitRate.ToString("0.####", CultureInfo.InvariantCulture));
                    }
                }
            }

            _previousHitRate = hitRate;
        }
        finally
        {
            Monitor.Exit(_tuneLock);
        }
    }

    /// <summary>Logs <c>Cache eviction rate high</c> when a second's evictions exceed the threshold, at most every 10 s.</summary>
    private void CheckEvictionRate()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _checkTimestamp);
        if (now - last < Stopwatch.Frequency || Interlocked.CompareExchange(ref _checkTimestamp, now, last) != last)
        {
            return;
        }

        long evictions = 0;
        foreach (var shard in _shards)
        {
            evictions += shard.GetCounters().Evictions;
        }

        var perSecond = (long)((evictions - _evictionsAtCheck) / ((now - last) / (double)Stopwatch.Frequency));
        _evictionsAtCheck = evictions;
        if (perSecond > _evictionWarningPerSecond && now - _lastWarningTimestamp >= 10 * Stopwatch.Frequency)
        {
            _lastWarningTimestamp = now;
            EngineLog.CacheEvictionRateHigh(_logger, perSecond, Sizes.Bytes(CapacityBytes));
        }
    }
}
