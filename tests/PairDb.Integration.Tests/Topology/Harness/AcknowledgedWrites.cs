using System.Collections.Concurrent;
using Google.Protobuf;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>One write the coordinator acknowledged: the value and the context its reply carried.</summary>
internal sealed record AckedWrite(string Value, ByteString Context, TimeSpan At);

/// <summary>
/// Every acknowledged write of a test, key to value and context. Each key is written once, so the
/// acknowledged value must be among the key's siblings at every later read: an unacknowledged write
/// never shadows an acknowledged one.
/// </summary>
internal sealed class AcknowledgedWrites
{
    private readonly ConcurrentDictionary<string, AckedWrite> _writes = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public int Count => _writes.Count;

    public void Record(string key, string value, ByteString context) => _writes[key] = new AckedWrite(value, context, _clock.Elapsed);

    /// <summary>The writes acknowledged so far (a copy: the writer may go on).</summary>
    public KeyValuePair<string, AckedWrite>[] Snapshot() => _writes.ToArray();

    /// <summary>Up to <paramref name="count"/> acknowledged writes spread over the key space, deterministically.</summary>
    public List<KeyValuePair<string, AckedWrite>> Sample(int count)
    {
        var all = Snapshot();
        Array.Sort(all, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var step = Math.Max(1, all.Length / Math.Max(1, count));
        var sample = new List<KeyValuePair<string, AckedWrite>>();
        for (var i = 0; i < all.Length && sample.Count < count; i += step)
        {
            sample.Add(all[i]);
        }
        return sample;
    }
}
