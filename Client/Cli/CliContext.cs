using System.Reflection;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;
using PairDb.Client.Tooling.Security;
using Spectre.Console;

namespace PairDb.Client.Cli;

/// <summary>
/// What every command needs: where its output goes, which local cluster (<c>--data</c>) it talks to,
/// and the endpoints that follow from it, each overridable by an option or an environment variable.
/// </summary>
public sealed class CliContext
{
    public const string CoordinatorVariable = "PAIRDB_COORDINATOR";
    public const string PostgresVariable = "PAIRDB_POSTGRES";
    private const string DefaultCoordinator = "http://127.0.0.1:8080";
    private const string DefaultCoordinatorHttp = "http://127.0.0.1:8081";

    private const int RedirectedWidth = 200;
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(10);

    private ClusterState? _state;
    private bool _stateLoaded;
    private ClusterAccess? _access;

    public CliContext(CommandLine command, TextWriter output, TextWriter error)
    {
        Command = command;
        Out = output;
        Error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (System.Console.IsOutputRedirected)
        {
            // Piped output has no terminal width; Spectre's 80 columns would wrap every table row.
            Console.Profile.Width = RedirectedWidth;
        }
        RepositoryRoot = TryFindRepositoryRoot();
        DataDirectory = Path.GetFullPath(command.Value("--data") ?? Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), ".pairdb"));
    }

    public CommandLine Command { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console writing to <see cref="Out"/>: tables and progress bars.</summary>
    public IAnsiConsole Console { get; }

    public bool Json => Command.Json;

    /// <summary>The checkout this CLI was built in (null when it runs from elsewhere).</summary>
    public string? RepositoryRoot { get; }

    public string DataDirectory { get; }

    /// <summary>Build configuration of this CLI; the hosts it starts are taken from the same one.</summary>
    public static string Configuration =>
        typeof(CliContext).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>cluster.json of <see cref="DataDirectory"/>, or null.</summary>
    public ClusterState? State
    {
        get
        {
            if (!_stateLoaded)
            {
                _state = ClusterState.TryLoad(DataDirectory);
                _stateLoaded = true;
            }
            return _state;
        }
    }

    /// <summary>
    /// How to reach the cluster of <see cref="DataDirectory"/>: TLS trusting <c>tls/ca.crt</c> alone, the operator
    /// token and tenant keys, when that file exists; plaintext without credentials otherwise.
    /// </summary>
    public ClusterAccess Access => _access ??= ClusterAccess.For(DataDirectory);

    /// <summary>
    /// The coordinator's gRPC endpoint: --coordinator, PAIRDB_COORDINATOR, the local cluster, or 127.0.0.1:8080;
    /// https when the cluster is secure.
    /// </summary>
    public Uri CoordinatorEndpoint => Access.WithScheme(
        ParseUri(Command.Value("--coordinator") ?? Environment.GetEnvironmentVariable(CoordinatorVariable), "--coordinator")
        ?? (State is { } state ? LocalCluster.CoordinatorEndpoint(state) : new Uri(DefaultCoordinator)));

    /// <summary>The coordinator's HTTP admin endpoint: --coordinator-http, the local cluster, or 127.0.0.1:8081; https when secure.</summary>
    public Uri CoordinatorHttpEndpoint => Access.WithScheme(
        ParseUri(Command.Value("--coordinator-http"), "--coordinator-http")
        ?? (State is { } state ? new Uri($"http://127.0.0.1:{state.CoordinatorHttpPort}") : new Uri(DefaultCoordinatorHttp)));

    /// <summary>An HTTP client for the admin APIs: the cluster's TLS trust and the operator token.</summary>
    public HttpClient OperatorHttpClient() => Access.OperatorHttpClient(AdminTimeout);

    /// <summary>The metadata database: --postgres, the local cluster, or PAIRDB_POSTGRES.</summary>
    public string MetadataConnectionString =>
        Command.Value("--postgres")
        ?? (State is { Postgres.ConnectionString.Length: > 0 } state ? state.Postgres.ConnectionString : null)
        ?? Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new UsageException($"no metadata database: no local cluster in {DataDirectory}, no --postgres and no {PostgresVariable}");

    public LocalCluster Cluster(int? basePort = null, int? nodes = null, Action<string>? progress = null, bool insecure = false) =>
        new(new LocalClusterOptions
        {
            DataDirectory = DataDirectory,
            RepositoryRoot = RepositoryRoot ?? throw new UsageException("the local-cluster commands run from a pairdb checkout (no PairDb.sln above the CLI)"),
            Configuration = Configuration,
            BasePort = basePort,
            Nodes = nodes,
            Insecure = insecure,
            ExternalPostgres = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } external ? external : null,
            Progress = progress ?? (_ => { }),
        });

    private static Uri? ParseUri(string? text, string option)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new UsageException($"{option} '{text}' is not a URL");
    }

    private static string? TryFindRepositoryRoot()
    {
        try
        {
            return HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
