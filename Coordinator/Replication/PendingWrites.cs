using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Counts, per node, the writes this coordinator delivered to it as a pending-range target since the
/// process started: the live writes a topology change reports as <c>keys_streamed</c> (runbook 3.1).
/// </summary>
public sealed class PendingWrites
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _delivered = new(StringComparer.Ordinal);

    public void Delivered(string nodeId) =>
        Interlocked.Increment(ref _delivered.GetOrAdd(nodeId, static _ => new StrongBox<long>()).Value);

    /// <summary>Writes delivered to <paramref name="nodeId"/> as a pending target so far.</summary>
    public long DeliveredTo(string nodeId) =>
        _delivered.TryGetValue(nodeId, out var box) ? Interlocked.Read(ref box.Value) : 0;
}
