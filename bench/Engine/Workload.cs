namespace PairDb.Bench.Engine;

/// <summary>Keys, values and the get order, generated up front from a fixed seed so generation is never timed and
/// every engine sees the same bytes in the same order.</summary>
public sealed class Workload
{
    private Workload(byte[][] keys, byte[][] values, int[] getOrder)
    {
        Keys = keys;
        Values = values;
        GetOrder = getOrder;
    }

    public byte[][] Keys { get; }
    public byte[][] Values { get; }

    /// <summary>A permutation of key indexes: gets visit every key once, in an order unrelated to the put order.</summary>
    public int[] GetOrder { get; }

    public int Count => Keys.Length;

    public static Workload Generate(int count, int keySize, int valueSize, int seed)
    {
        var random = new Random(seed);
        var keys = new byte[count][];
        var values = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            keys[i] = new byte[keySize];
            random.NextBytes(keys[i]);
            values[i] = new byte[valueSize];
            random.NextBytes(values[i]);
        }

        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        return new Workload(keys, values, order);
    }
}
