using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// At most MaxConcurrentStreams streams per node in this process (runbook 3.3
/// max_concurrent_streams), counting a node as source and as target. A stream takes its two slots in
/// node id order, so two streams waiting on each other's nodes cannot deadlock.
/// </summary>
public sealed class StreamSlots(IOptions<TopologyChangeOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _nodes = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string source, string target, CancellationToken cancellationToken)
    {
        var (first, second) = string.CompareOrdinal(source, target) <= 0 ? (source, target) : (target, source);
        var a = Of(first);
        await a.WaitAsync(cancellationToken);
        try
        {
            var b = Of(second);
            await b.WaitAsync(cancellationToken);
            return new Held(a, b);
        }
        catch
        {
            a.Release();
            throw;
        }
    }

    private SemaphoreSlim Of(string nodeId) =>
        _nodes.GetOrAdd(nodeId, _ => new SemaphoreSlim(options.Value.MaxConcurrentStreams, options.Value.MaxConcurrentStreams));

    private sealed class Held(SemaphoreSlim a, SemaphoreSlim b) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                b.Release();
                a.Release();
            }
        }
    }
}
