using System.Diagnostics.CodeAnalysis;
using PairDb.Engine.Core;

namespace PairDb.Engine;

/// <summary>
/// A point-in-time view: reads see exactly the writes acknowledged before it was taken, however many writes,
/// flushes and (later) compactions happen meanwhile. Pins memtables and tables until disposed.
/// </summary>
public sealed class EngineSnapshot : IDisposable
{
    private readonly LsmEngine _engine;
    private EngineVersion? _version;

    internal EngineSnapshot(LsmEngine engine, EngineVersion version, long sequence)
    {
        _engine = engine;
        _version = version;
        Sequence = sequence;
        engine.RegisterSnapshot(sequence);
    }

    /// <summary>The sequence number of the newest write this snapshot sees.</summary>
    public long Sequence { get; }

    public bool TryGet(ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value) =>
        _engine.TryGetAt(Version, Sequence, key, out value);

    /// <summary>Live entries with start &lt;= key &lt; end in key order. The snapshot must outlive the enumeration.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[]? startInclusive, byte[]? endExclusive) =>
        new ScanEnumerable(_engine, Version, Sequence, startInclusive, endExclusive, ownsVersion: false);

    /// <summary>
    /// A cursor over the live entries with start &lt;= key &lt; end, reusing its buffers (no allocation per entry).
    /// The snapshot must outlive it.
    /// </summary>
    public EngineCursor OpenCursor(byte[]? startInclusive, byte[]? endExclusive) =>
        new(_engine, Version, Sequence, startInclusive, endExclusive);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _version, null) is { } version)
        {
            _engine.UnregisterSnapshot(Sequence);
            version.Release();
        }
    }

    private EngineVersion Version => _version ?? throw new ObjectDisposedException(nameof(EngineSnapshot));
}
