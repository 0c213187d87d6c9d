using System.Globalization;

namespace PairDb.Client.Tooling;

/// <summary>
/// A PostgreSQL server run from the machine's binaries in a directory of its own, listening on
/// 127.0.0.1 only. Used by the test fixture (throwaway servers) and by <c>./pairdb up</c>.
/// </summary>
public sealed partial class LocalPostgres : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private const string SettingsFile = "pairdb.conf";

    private readonly LocalPostgresOptions _options;
    private readonly PostgresBinaries _binaries;
    private bool _running;

    private LocalPostgres(LocalPostgresOptions options, PostgresBinaries binaries, int port)
    {
        _options = options;
        _binaries = binaries;
        Port = port;
    }

    public int Port { get; private set; }

    public string RootDirectory => _options.RootDirectory;

    public string DataDirectory => Path.Combine(_options.RootDirectory, "data");

    public string LogPath => Path.Combine(_options.RootDirectory, "postgres.log");

    private string SocketDirectory => Path.Combine(_options.RootDirectory, "run");

    /// <summary>An Npgsql connection string for the superuser and the <c>postgres</c> database.</summary>
    public string ConnectionString =>
        $"Host={_options.ListenAddress};Port={Port.ToString(CultureInfo.InvariantCulture)};Username={_options.SuperUser};Database=postgres";

    /// <summary>Initialises the cluster if it does not exist yet, then starts the server and waits until it accepts connections.</summary>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        var binaries = options.Binaries ?? PostgresBinaries.Locate();
        var server = new LocalPostgres(options, binaries, options.Port);
        await server.PrepareDirectoriesAsync(cancellationToken);
        if (!File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            await server.InitDbAsync(cancellationToken);
        }
        for (var attempt = 1; ; attempt++)
        {
            if (options.Port == 0)
            {
                server.Port = FreePort.Next();
            }
            await server.WriteSettingsAsync(cancellationToken);
            var result = await server.PgCtlStartAsync(cancellationToken);
            if (result.Succeeded)
            {
                server._running = true;
                return server;
            }
            var log = LogTail.Read(server.LogPath, 30);
            // A port picked as free can be taken before the server binds it; only then is a retry useful.
            if (options.Port == 0 && attempt < PortAttempts && log.Contains("Address already in use", StringComparison.Ordinal))
            {
                continue;
            }
            throw new LocalPostgresException(
                $"PostgreSQL in {server.DataDirectory} did not start on {options.ListenAddress}:{server.Port} ({result.Command} exited {result.ExitCode}):\n" +
                $"{result.Output}\nLast lines of {server.LogPath}:\n{log}");
        }
    }

    /// <summary>
    /// Starts a server stopped by <see cref="StopAsync"/> again, with its data and on the same port, so
    /// connection strings handed out before stay valid (an outage test stops and restarts PostgreSQL).
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (_running)
        {
            return;
        }
        var result = await PgCtlStartAsync(cancellationToken);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException(
                $"PostgreSQL in {DataDirectory} did not start again on {_options.ListenAddress}:{Port} ({result.Command} exited {result.ExitCode}):\n" +
                $"{result.Output}\nLast lines of {LogPath}:\n{LogTail.Read(LogPath, 30)}");
        }
        _running = true;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are rolled back) and waits for it to exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_running)
        {
            return;
        }
        var result = await PgCtlAsync(
            ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], TimeSpan.FromSeconds(70), cancellationToken);
        if (!result.Succeeded && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            throw new LocalPostgresException(
                $"PostgreSQL in {DataDirectory} did not stop ({result.Command} exited {result.ExitCode}):\n{result.Output}");
        }
        _running = false;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task InitDbAsync(CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "-D", DataDirectory, "-U", _options.SuperUser, "-E", "UTF8", "--locale=C",
            // Trust is safe only because the server listens on loopback and a socket inside our own directory.
            "--auth-local=trust", "--auth-host=trust",
        ];
        if (!_options.Durable)
        {
            arguments.Add("--no-sync");
        }
        var result = await RunToolAsync(_binaries.InitDb, arguments, TimeSpan.FromMinutes(2), cancellationToken);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException(
                $"initdb failed for {DataDirectory} (exit {result.ExitCode}){RootHint()}:\n{result.Output}");
        }
        var conf = Path.Combine(DataDirectory, "postgresql.conf");
        await File.AppendAllTextAsync(conf, $"\ninclude_if_exists = '{SettingsFile}'\n", cancellationToken);
        if (_options.TrustedNetwork is { } network)
        {
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), $"host all all {network} trust\n", cancellationToken);
        }
    }

    private async Task WriteSettingsAsync(CancellationToken cancellationToken)
    {
        var settings =
            $"listen_addresses = '{_options.ListenAddress}'\nport = {Port.ToString(CultureInfo.InvariantCulture)}\n" +
            $"unix_socket_directories = '{SocketDirectory}'\n";
        if (!_options.Durable)
        {
            settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        }
        var path = Path.Combine(DataDirectory, SettingsFile);
        await File.WriteAllTextAsync(path, settings, cancellationToken);
        await GiveToOsUserAsync(path, cancellationToken);
    }

    private Task<ProcessResult> PgCtlStartAsync(CancellationToken cancellationToken) =>
        PgCtlAsync(
            ["-D", DataDirectory, "-l", LogPath, "-w", "-t", Seconds(_options.StartTimeout), "start"],
            _options.StartTimeout + TimeSpan.FromSeconds(10),
            cancellationToken);

    private Task<ProcessResult> PgCtlAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunToolAsync(_binaries.PgCtl, arguments, timeout, cancellationToken);

    private static string Seconds(TimeSpan span) => ((int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
