namespace PairDb.Bench.Load;

/// <summary>
/// YCSB's Zipfian generator (Gray et al., "Quickly generating billion-record synthetic databases"):
/// rank 0 is the most popular, popularity falling as rank^-theta; O(n) set-up for zeta(n), O(1) per
/// draw. <see cref="NextScrambled"/> spreads the hot ranks over the key space by a hash, as YCSB's
/// ScrambledZipfianGenerator does, so hot keys land on different ring positions instead of being
/// the first records. One instance per thread: it holds a Random.
/// </summary>
public sealed class ZipfianGenerator
{
    /// <summary>YCSB's constant.</summary>
    public const double YcsbTheta = 0.99;

    private readonly long _items;
    private readonly double _theta;
    private readonly double _zetaN;
    private readonly double _alpha;
    private readonly double _eta;
    private readonly Random _random;

    public ZipfianGenerator(long items, double theta, int seed)
        : this(items, theta, Zeta(items, theta), seed)
    {
    }

    /// <param name="zetaN">From <see cref="Zeta"/>: compute it once and share it between threads.</param>
    public ZipfianGenerator(long items, double theta, double zetaN, int seed)
    {
        _items = items;
        _theta = theta;
        _zetaN = zetaN;
        _alpha = 1 / (1 - theta);
        var zeta2 = 1 + (1 / Math.Pow(2, theta));
        _eta = (1 - Math.Pow(2.0 / items, 1 - theta)) / (1 - (zeta2 / zetaN));
        _random = new Random(seed);
    }

    /// <summary>The normalisation constant for <paramref name="items"/>; O(n).</summary>
    public static double Zeta(long items, double theta)
    {
        var sum = 0.0;
        for (long i = 1; i <= items; i++)
        {
            sum += 1 / Math.Pow(i, theta);
        }

        return sum;
    }

    /// <summary>A rank in 0..items-1, 0 the most popular.</summary>
    public long Next()
    {
        var u = _random.NextDouble();
        var uz = u * _zetaN;
        if (uz < 1)
        {
            return 0;
        }

        if (uz < 1 + Math.Pow(0.5, _theta))
        {
            return 1;
        }

        return Math.Min(_items - 1, (long)(_items * Math.Pow((_eta * u) - _eta + 1, _alpha)));
    }

    /// <summary>A Zipfian rank mapped through a hash onto 0..items-1.</summary>
    public long NextScrambled() => (long)(Fnv64((ulong)Next()) % (ulong)_items);

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
