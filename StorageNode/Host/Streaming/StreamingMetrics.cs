using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Runbook 3.3 and 5.4: <c>streaming_bytes_transferred_total</c> (bytes applied on this node by pulls) and
/// <c>streaming_throughput_mbps</c> (the pull rate now: the sum of the running pulls' recent rates, 0 when idle).
/// </summary>
public sealed class StreamingMetrics
{
    public const string BytesTransferredTotal = "streaming_bytes_transferred_total";
    public const string ThroughputMbps = "streaming_throughput_mbps";

    private readonly Counter<long> _bytes;
    private readonly KeyValuePair<string, object?> _node;
    private readonly ConcurrentDictionary<PullRate, byte> _pulls = new();

    public StreamingMetrics(StorageNodeMetrics metrics)
    {
        _node = metrics.NodeTag;
        _bytes = metrics.Meter.CreateCounter<long>(BytesTransferredTotal, description: "Bytes of streamed entries applied on this node.");
        metrics.Meter.CreateObservableGauge(ThroughputMbps, Observe, description: "Current streaming pull rate into this node, MB/s.");
        _bytes.Add(0, _node);
    }

    /// <summary>Registers a running pull; dispose the result when it ends.</summary>
    public PullRate StartPull()
    {
        var rate = new PullRate(this);
        _pulls[rate] = 0;
        return rate;
    }

    private Measurement<double> Observe()
    {
        double total = 0;
        foreach (var pull in _pulls.Keys)
        {
            total += pull.RecentMbps;
        }

        return new Measurement<double>(total, _node);
    }

    /// <summary>One pull's rate: bytes applied over a window of about a second, updated per applied batch.</summary>
    public sealed class PullRate : IDisposable
    {
        private readonly StreamingMetrics _owner;
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
        private long _windowStart;
        private long _windowBytes;
        private double _recent;

        internal PullRate(StreamingMetrics owner)
        {
            _owner = owner;
            _windowStart = _started;
        }

        public ulong TotalBytes { get; private set; }

        /// <summary>The last window's rate; once a window runs past a second without closing (a stalled pull), its own lower rate.</summary>
        public double RecentMbps
        {
            get
            {
                var open = System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _windowStart)).TotalSeconds;
                return open > 1 ? Volatile.Read(ref _windowBytes) / 1048576.0 / open : Volatile.Read(ref _recent);
            }
        }

        /// <summary>Average since the pull started, MB/s.</summary>
        public double AverageMbps => TotalBytes / 1048576.0 / Math.Max(1e-6, System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds);

        public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(_started);

        public void Applied(long bytes)
        {
            TotalBytes += (ulong)bytes;
            Volatile.Write(ref _windowBytes, _windowBytes + bytes);
            _owner._bytes.Add(bytes, _owner._node);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_windowStart).TotalSeconds;
            if (elapsed >= 1 || Volatile.Read(ref _recent) == 0)
            {
                Volatile.Write(ref _recent, _windowBytes / 1048576.0 / Math.Max(1e-3, elapsed));
                if (elapsed >= 1)
                {
                    Volatile.Write(ref _windowBytes, 0);
                    Volatile.Write(ref _windowStart, System.Diagnostics.Stopwatch.GetTimestamp());
                }
            }
        }

        public void Dispose() => _owner._pulls.TryRemove(this, out _);
    }
}
