namespace PairDb.Bench.Cluster;

/// <summary>
/// YCSB's Zipfian distribution over 0..n-1 (Gray et al., "Quickly generating billion-record synthetic
/// databases"), constant 0.99, scrambled by a hash as YCSB's ScrambledZipfianGenerator does so that
/// the hot keys are spread over the key space (and the ring) instead of being the first records.
/// One instance per thread: it holds a Random.
/// </summary>
public sealed class ZipfianGenerator
{
    private const double Theta = 0.99;
    private readonly long _items;
    private readonly double _zetaN;
    private readonly double _alpha;
    private readonly double _eta;
    private readonly Random _random;

    public ZipfianGenerator(long items, double zetaN, int seed)
    {
        _items = items;
        _zetaN = zetaN;
        _alpha = 1.0 / (1.0 - Theta);
        var zeta2 = Zeta(2);
        _eta = (1 - Math.Pow(2.0 / items, 1 - Theta)) / (1 - zeta2 / zetaN);
        _random = new Random(seed);
    }

    /// <summary>The normalisation constant for <paramref name="items"/>; O(n), compute it once and share it.</summary>
    public static double Zeta(long items)
    {
        var sum = 0.0;
        for (long i = 1; i <= items; i++)
        {
            sum += 1 / Math.Pow(i, Theta);
        }
        return sum;
    }

    public long Next()
    {
        var u = _random.NextDouble();
        var uz = u * _zetaN;
        long rank;
        if (uz < 1.0)
        {
            rank = 0;
        }
        else if (uz < 1.0 + Math.Pow(0.5, Theta))
        {
            rank = 1;
        }
        else
        {
            rank = (long)(_items * Math.Pow(_eta * u - _eta + 1, _alpha));
        }
        return (long)(Fnv64((ulong)Math.Min(rank, _items - 1)) % (ulong)_items);
    }

    private static ulong Fnv64(ulong value)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= value & 0xFF;
            hash *= 1099511628211UL;
            value >>= 8;
        }
        return hash;
    }
}
