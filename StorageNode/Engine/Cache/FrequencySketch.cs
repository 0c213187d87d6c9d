using System.Numerics;

namespace PairDb.Engine.Cache;

/// <summary>
/// Count-min sketch of recent access frequency with 4-bit saturating counters, four rows packed into 64-bit words
/// (one word per counter group). After a sample of 10 × the expected entries every counter is halved, so the
/// sketch forgets old popularity and the cache follows a shifting workload. Not thread-safe: one per shard, under its lock.
/// </summary>
internal sealed class FrequencySketch
{
    private static readonly ulong[] Seeds = [0xC3A5C85C97CB3127UL, 0xB492B66FBE98F273UL, 0x9AE16A3B2F90404FUL, 0xCBF29CE484222325UL];

    private readonly ulong[] _table;
    private readonly int _mask;
    private readonly int _sampleSize;
    private int _additions;

    public FrequencySketch(long expectedEntries)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedEntries, 16, 1 << 24));
        _table = new ulong[size];
        _mask = size - 1;
        _sampleSize = 10 * size;
    }

    /// <summary>Estimated accesses of <paramref name="hash"/> since the last aging, 0-15.</summary>
    public int Frequency(ulong hash)
    {
        var min = 15;
        for (var row = 0; row < 4; row++)
        {
            var (index, shift) = Slot(hash, row);
            min = Math.Min(min, (int)((_table[index] >> shift) & 0xF));
        }

        return min;
    }

    public void Increment(ulong hash)
    {
        var added = false;
        for (var row = 0; row < 4; row++)
        {
            var (index, shift) = Slot(hash, row);
            if (((_table[index] >> shift) & 0xF) != 0xF)
            {
                _table[index] += 1UL << shift;
                added = true;
            }
        }

        if (added && ++_additions >= _sampleSize)
        {
            Age();
        }
    }

    private (int Index, int Shift) Slot(ulong hash, int row)
    {
        var h = (hash ^ Seeds[row]) * 0x9E3779B97F4A7C15UL;
        h ^= h >> 29;
        var index = (int)(h & (uint)_mask);
        var counter = (int)((h >> 32) & 15); // 16 four-bit counters per word
        return (index, counter << 2);
    }

    private void Age()
    {
        for (var i = 0; i < _table.Length; i++)
        {
            _table[i] = (_table[i] >> 1) & 0x7777777777777777UL;
        }

        _additions /= 2;
    }
}
