using Google.Protobuf;
using PairDb.Bench.Load;

namespace PairDb.Bench.Topology;

/// <summary>
/// The benchmark's data: key i (16 bytes from a <see cref="KeySpace"/>) with one of 64 pre-generated random
/// values of the configured size, so loads and checks need no list of keys and spend no time making values.
/// Loads write in calls of about <see cref="CallBytes"/> of values.
/// </summary>
public sealed class DataSet
{
    public const string Tenant = "bench";
    private const int CallBytes = 128 * 1024;

    private readonly KeySpace _keys;
    private readonly ByteString[] _values;

    public DataSet(TopologyBenchOptions options)
    {
        Count = options.Keys;
        ValueSize = options.ValueSize;
        _keys = new KeySpace((ulong)options.Seed, TopologyBenchOptions.KeySize);
        var values = KeySpace.Values(64, options.ValueSize, options.Seed);
        _values = new ByteString[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            _values[i] = UnsafeByteOperations.UnsafeWrap(values[i]);
        }

        // The coordinator takes at most 128 items per batch (PairDb:Replication:MaxBatchSize).
        Batch = (int)Math.Clamp(CallBytes / options.ValueSize, 1, 128);
    }

    /// <summary>Keys the load writes: indices [0, Count).</summary>
    public long Count { get; }

    public int ValueSize { get; }

    public int Batch { get; }

    /// <summary>Calls a load of every key takes.</summary>
    public long LoadCalls => (Count + Batch - 1) / Batch;

    public ByteString Key(long index) => UnsafeByteOperations.UnsafeWrap(_keys.Key(index));

    public ByteString Value(long index) => _values[index & (_values.Length - 1)];

    /// <summary>The key indices load call <paramref name="call"/> writes: [first, first + count).</summary>
    public (long First, int Count) CallRange(long call)
    {
        var first = call * Batch;
        return (first, (int)Math.Min(Batch, Count - first));
    }
}
