using System.Collections;
using PairDb.Engine.Core;
using PairDb.Engine.Format;
using PairDb.Engine.MemTable;
using PairDb.Engine.Read;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

/// <summary>
/// Forward range scan over one version at one sequence number: merges every source, keeps the newest version of
/// each key at or below the sequence, and drops tombstones and expired values.
/// </summary>
internal sealed class ScanEnumerable(LsmEngine engine, EngineVersion version, long sequence, byte[]? start, byte[]? end, bool ownsVersion)
    : IEnumerable<KeyValuePair<byte[], byte[]>>
{
    private int _enumerated;

    public IEnumerator<KeyValuePair<byte[], byte[]>> GetEnumerator()
    {
        // An implicit snapshot's version belongs to its single enumeration.
        if (ownsVersion && Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("this scan has already been enumerated; call Scan again");
        }

        return new Enumerator(engine, version, sequence, start, end, ownsVersion);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator : IEnumerator<KeyValuePair<byte[], byte[]>>
    {
        private readonly EngineVersion _version;
        private readonly long _sequence;
        private readonly byte[]? _end;
        private readonly bool _ownsVersion;
        private readonly long _now;
        private readonly MergingIterator _merge;
        private bool _released;

        public Enumerator(LsmEngine engine, EngineVersion version, long sequence, byte[]? start, byte[]? end, bool ownsVersion)
        {
            _version = version;
            _sequence = sequence;
            _end = end;
            _ownsVersion = ownsVersion;
            _now = engine.NowUnixMs();
            var children = new List<IInternalIterator> { new MemTableIterator(version.Active) };
            foreach (var memTable in version.Immutables)
            {
                children.Add(new MemTableIterator(memTable));
            }

            foreach (var level in version.Levels)
            {
                foreach (var table in level)
                {
                    children.Add(new SSTableIterator(table));
                }
            }

            _merge = new MergingIterator([.. children]);
            _merge.Seek(start ?? []);
        }

        public KeyValuePair<byte[], byte[]> Current { get; private set; }

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            while (_merge.Valid)
            {
                var key = _merge.Key;
                if (_end is not null && key.SequenceCompareTo(_end) >= 0)
                {
                    break;
                }

                if (_merge.Sequence > _sequence)
                {
                    _merge.Next();
                    continue;
                }

                var keyCopy = key.ToArray();
                var kind = _merge.Kind;
                var live = kind == EntryKind.Value || (kind == EntryKind.ExpiringValue && _merge.ExpiresAtUnixMs > _now);
                var value = live ? _merge.Value.ToArray() : null;
                do
                {
                    _merge.Next(); // skip the older versions of this key
                }
                while (_merge.Valid && _merge.Key.SequenceEqual(keyCopy));

                if (value is not null)
                {
                    Current = new KeyValuePair<byte[], byte[]>(keyCopy, value);
                    return true;
                }
            }

            Release();
            return false;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => Release();

        private void Release()
        {
            if (_ownsVersion && !_released)
            {
                _released = true;
                _version.Release();
            }
        }
    }
}
