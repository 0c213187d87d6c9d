using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Telemetry;
using PairDb.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace PairDb.Coordinator.Tests.Support;

/// <summary>
/// The hint writer as the coordinator builds it, on a database of the test's choosing and a spool in the test's own
/// directory (or one it shares with a later path, as a restarted coordinator); the writer is not started until the test starts it.
/// </summary>
internal sealed class HintPath : IAsyncDisposable
{
    /// <summary>A closed port: every connection is refused at once.</summary>
    public const string Unreachable = "Host=127.0.0.1;Port=1;Timeout=2";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly bool _ownsDirectory;

    public HintPath(HintOptions options, string connectionString = Unreachable, TestDirectory? directory = null)
    {
        Options = options;
        _ownsDirectory = directory is null;
        Directory = directory ?? TestDirectory.Create();
        Database = new HintDatabase(MsOptions.Create(new MetadataOptions { ConnectionString = connectionString }));
        SpoolMetrics = new HintSpoolMetrics(Meters);
        Spool = OpenSpool();
        Writer = new HintWriter(Database, Backlog, new ReplicationMetrics(Meters), new OverloadMetrics(Meters), MsOptions.Create(options),
            TimeProvider.System, Log, Spool, SpoolMetrics);
    }

    public HintOptions Options { get; }

    public TestDirectory Directory { get; }

    public HintDatabase Database { get; }

    public HintSpoolMetrics SpoolMetrics { get; }

    public HintSpool Spool { get; private set; }

    public HintBacklog Backlog { get; } = new();

    public HintWriter Writer { get; }

    public ListLogger<HintWriter> Log { get; } = new();

    public System.Diagnostics.Metrics.IMeterFactory Meters => _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();

    public string SpoolDirectory => Directory.Combine(HintSpool.DirectoryName);

    public Task Store(int payloadBytes, string target = "storage-node-3") => Writer.StoreAsync(target, "tenant-a", [1, 2, 3], new byte[payloadBytes]);

    public CounterRecorder Counter(string name) => new(Meters, name);

    /// <summary>A mover on this path's spool and database (its replayer is never reached while the database answers).</summary>
    public HintSpoolMover Mover() => new(Spool, Database, null!, Backlog, SpoolMetrics, MsOptions.Create(Options), TimeProvider.System, NullLogger<HintSpoolMover>.Instance);

    /// <summary>Closes the spool and opens it again from its files, as a restarted coordinator does.</summary>
    public HintSpool Reopen()
    {
        Spool.Dispose();
        Spool = OpenSpool();
        return Spool;
    }

    public async ValueTask DisposeAsync()
    {
        Writer.Dispose();
        Spool.Dispose();
        await Database.DisposeAsync();
        await _services.DisposeAsync();
        if (_ownsDirectory)
        {
            Directory.Dispose();
        }
    }

    private HintSpool OpenSpool() => new(SpoolDirectory, Options.SpoolMaxBytes, SpoolMetrics, NullLogger<HintSpool>.Instance);
}
