namespace PairDb.Bench.Engine.Mixed;

/// <summary>
/// YCSB's Zipfian generator (Gray et al., "Quickly generating billion-record synthetic databases"): item 0 is the most
/// popular, with popularity falling as rank^-theta. O(n) set-up for zeta(n), O(1) per draw.
/// </summary>
public sealed class ZipfianGenerator
{
    private readonly long _items;
    private readonly double _theta;
    private readonly double _zetaN;
    private readonly double _alpha;
    private readonly double _eta;
    private readonly Random _random;

    public ZipfianGenerator(long items, double theta, int seed)
    {
        _items = items;
        _theta = theta;
        _random = new Random(seed);
        double zeta = 0;
        for (long i = 1; i <= items; i++)
        {
            zeta += 1 / Math.Pow(i, theta);
        }

        _zetaN = zeta;
        var zeta2 = 1 + (1 / Math.Pow(2, theta));
        _alpha = 1 / (1 - theta);
        _eta = (1 - Math.Pow(2.0 / items, 1 - theta)) / (1 - (zeta2 / _zetaN));
    }

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
}
