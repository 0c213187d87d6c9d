namespace PairDb.Engine.Cache;

/// <summary>
/// One lock's worth of a W-TinyLFU cache: a small LRU window takes every new block; blocks leaving the window compete
/// for the main area (segmented LRU: probation, then protected after a second hit) against the main area's LRU
/// victim, and the one the frequency sketch has seen less often is evicted. A one-off scan therefore churns only the
/// window and never displaces blocks that are read repeatedly.
/// </summary>
internal sealed class BlockCacheShard
{
    private const double ProtectedShare = 0.8;

    private readonly Dictionary<BlockKey, CacheNode> _map = [];
    private readonly CacheList _window = new();
    private readonly CacheList _probation = new();
    private readonly CacheList _protected = new();
    private readonly FrequencySketch _sketch;
    private long _capacity;
    private double _windowFraction;

    public BlockCacheShard(long capacity, double windowFraction, long expectedEntries)
    {
        _capacity = capacity;
        _windowFraction = windowFraction;
        _sketch = new FrequencySketch(expectedEntries);
    }

    private long _hits;
    private long _misses;
    private long _evictions;
    private long _rejections;

    private long Bytes => _window.Bytes + _probation.Bytes + _protected.Bytes;

    public ShardCounters GetCounters()
    {
        lock (_map)
        {
            return new ShardCounters(_hits, _misses, _evictions, _rejections, Bytes, _map.Count);
        }
    }

    public bool TryGet(BlockKey key, ulong hash, out byte[] data)
    {
        lock (_map)
        {
            _sketch.Increment(hash);
            if (!_map.TryGetValue(key, out var node))
            {
                _misses++;
                data = [];
                return false;
            }

            _hits++;
            switch (node.Area)
            {
                case CacheArea.Window:
                    _window.MoveToFirst(node);
                    break;
                case CacheArea.Probation:
                    _probation.Remove(node);
                    node.Area = CacheArea.Protected;
                    _protected.AddFirst(node);
                    DemoteProtectedOverflow();
                    break;
                default:
                    _protected.MoveToFirst(node);
                    break;
            }

            data = node.Data;
            return true;
        }
    }

    /// <summary>Adds a block read after a miss; returns how many blocks were evicted to make room.</summary>
    public int Insert(BlockKey key, ulong hash, byte[] data, long charge)
    {
        lock (_map)
        {
            if (_capacity <= 0 || charge > _capacity || _map.ContainsKey(key))
            {
                return 0;
            }

            var node = new CacheNode(key, hash, data, charge) { Area = CacheArea.Window };
            _map.Add(key, node);
            _window.AddFirst(node);
            return Balance();
        }
    }

    public void Remove(BlockKey key)
    {
        lock (_map)
        {
            if (_map.Remove(key, out var node))
            {
                ListOf(node.Area).Remove(node);
            }
        }
    }

    /// <summary>Sets capacity and window share; evicts down to the new capacity; returns the bytes freed.</summary>
    public long Configure(long capacity, double windowFraction)
    {
        lock (_map)
        {
            var before = Bytes;
            _capacity = capacity;
            _windowFraction = windowFraction;
            while (Bytes > _capacity)
            {
                var victim = _probation.Tail ?? _window.Tail ?? _protected.Tail;
                if (victim is null)
                {
                    break;
                }

                Evict(victim);
            }

            Balance();
            return before - Bytes;
        }
    }

    private int Balance()
    {
        var evicted = 0;
        var windowCapacity = (long)(_capacity * _windowFraction);
        var mainCapacity = _capacity - windowCapacity;
        while (_window.Bytes > windowCapacity && _window.Tail is { } candidate)
        {
            _window.Remove(candidate);
            var admitted = true;
            while (_probation.Bytes + _protected.Bytes + candidate.Charge > mainCapacity)
            {
                var victim = _probation.Tail ?? _protected.Tail;
                if (victim is null)
                {
                    break;
                }

                if (_sketch.Frequency(candidate.Hash) > _sketch.Frequency(victim.Hash))
                {
                    Evict(victim);
                    evicted++;
                }
                else
                {
                    admitted = false;
                    break;
                }
            }

            if (admitted && _probation.Bytes + _protected.Bytes + candidate.Charge <= mainCapacity)
            {
                candidate.Area = CacheArea.Probation;
                _probation.AddFirst(candidate);
            }
            else
            {
                _map.Remove(candidate.Key);
                _rejections++;
                _evictions++;
                evicted++;
            }
        }

        return evicted;
    }

    private void DemoteProtectedOverflow()
    {
        var limit = (long)((_capacity - (long)(_capacity * _windowFraction)) * ProtectedShare);
        while (_protected.Bytes > limit && _protected.Tail is { } demoted)
        {
            _protected.Remove(demoted);
            demoted.Area = CacheArea.Probation;
            _probation.AddFirst(demoted);
        }
    }

    private void Evict(CacheNode node)
    {
        ListOf(node.Area).Remove(node);
        _map.Remove(node.Key);
        _evictions++;
    }

    private CacheList ListOf(CacheArea area) => area switch
    {
        CacheArea.Window => _window,
        CacheArea.Probation => _probation,
        _ => _protected,
    };
}

internal readonly record struct ShardCounters(long Hits, long Misses, long Evictions, long Rejections, long Bytes, long Entries);
