using Microsoft.Extensions.Logging;
using PairDb.Engine.CommitLog;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.IO;
using PairDb.Engine.Manifest;

namespace PairDb.Engine;

/// <summary>
/// A log-structured merge engine over byte keys and values. Writes go to the commit log and the active
/// memtable under one short lock; full memtables are flushed to L0 tables in the background; reads probe
/// memtables, then tables newest first, through a reference-counted version. Thread-safe.
/// </summary>
public sealed partial class LsmEngine : IDisposable
{
    private readonly LsmEngineOptions _options;
    private readonly IStorageFileSystem _fileSystem;
    private readonly ILogger _logger;
    private readonly EngineCounters _counters = new();
    private readonly ManifestStore _manifestStore;
    private readonly CommitLogSegmentSet _segments = new();
    private readonly object _versionLock = new();
    private readonly object _manifestLock = new();

    // The append lock of every commit-log writer this engine creates (see CommitLogWriter.AppendLock): it outlives
    // a writer replaced by TryResumeWrites, so writers never hold a lock other than the current writer's.
    private readonly object _appendLock = new();
    private readonly bool _syncMode;
    private CommitLogWriter _log = null!;
    private Core.EngineVersion _current = null!;
    private ManifestState _manifest = ManifestState.Empty;
    private long _lastSequence;
    private long _visibleSequence;
    private long _nextMemTableId;
    private int _disposed;

    private LsmEngine(LsmEngineOptions options)
    {
        _options = options;
        _fileSystem = options.FileSystem;
        _logger = options.LoggerFactory.CreateLogger("PairDb.Engine");
        _manifestStore = new ManifestStore(_fileSystem, options.DataDirectory);
        _syncMode = options.Durability == DurabilityMode.Sync;
        CreateResources();
    }

    /// <summary>True when recovery skipped a corrupt record in the middle of the commit log: some acknowledged writes may be missing and must be repaired from replicas.</summary>
    public bool NeedsRepair { get; private set; }

    public LsmEngineOptions Options => _options;

    /// <summary>Set when this open quarantined unaccounted files (<see cref="LsmEngineOptions.QuarantineUnaccountedFiles"/>); null otherwise.</summary>
    public QuarantineReport? Quarantined { get; private set; }

    /// <summary>Opens (creating if needed) the database in <see cref="LsmEngineOptions.DataDirectory"/> and runs recovery.</summary>
    public static LsmEngine Open(LsmEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var engine = new LsmEngine(options);
        try
        {
            engine.Recover();
            return engine;
        }
        catch
        {
            engine.DisposeAfterFailedOpen();
            throw;
        }
    }

    /// <summary>
    /// The operator's "rebuild this node" action for a data directory that <see cref="Open"/> refused: moves every
    /// table file, the broken manifest and the commit-log segments to <c>quarantine-&lt;UTC timestamp&gt;/</c>, removes <c>IDENTITY</c>, deletes
    /// nothing else; the next <see cref="Open"/> starts empty. Throws <see cref="InvalidOperationException"/> when the
    /// manifest is readable (nothing is unaccounted). No engine may have the directory open meanwhile.
    /// </summary>
    public static QuarantineReport QuarantineUnaccountedFiles(LsmEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = new ManifestStore(options.FileSystem, options.DataDirectory);
        try
        {
            ManifestRecovery.LoadOrRefuse(options.FileSystem, store, options.DataDirectory);
        }
        catch (ManifestUnavailableException refusal)
        {
            return Manifest.Quarantine.Run(options.FileSystem, options.DataDirectory, refusal, options.TimeProvider, options.LoggerFactory.CreateLogger("PairDb.Engine"));
        }

        throw new InvalidOperationException($"The manifest of {options.DataDirectory} is readable: no file is unaccounted for and nothing was quarantined. Open the engine normally.");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Closing the log syncs whatever is buffered; unflushed memtables are rebuilt from it at the next open.
        _log.Dispose();
        StopFlusher();
        StopBackgroundWork();
        Core.EngineVersion current;
        lock (_versionLock)
        {
            current = _current;
        }

        current.Release();
    }

    private void DisposeAfterFailedOpen()
    {
        _disposed = 1;
        _log?.Dispose();
        StopFlusher();
        StopBackgroundWork();
        _current?.Release();
    }

    /// <summary>Running compactions see the cancellation and delete their partial outputs; queued tasks are cancelled.</summary>
    private void StopBackgroundWork()
    {
        _shutdown.Cancel();
        _pools.Dispose();
        _shutdown.Dispose();
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowDisposed();
        }
    }

    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(LsmEngine));
}
