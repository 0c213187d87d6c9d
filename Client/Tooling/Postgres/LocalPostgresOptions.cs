namespace PairDb.Client.Tooling;

/// <summary>Where and how to run a PostgreSQL server from the machine's binaries.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// The server's own directory: <c>data/</c> (the cluster), <c>run/</c> (the unix socket) and
    /// <c>postgres.log</c>. Created when missing; the cluster is initialised only when absent, so a
    /// stopped server starts again with its data.
    /// </summary>
    public required string RootDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1. Default 0: pick a free one (retrying if it is taken meanwhile).</summary>
    public int Port { get; init; }

    /// <summary>
    /// The address the server listens on (and connection strings name). Default 127.0.0.1; the chaos tool gives
    /// it an address inside a network namespace of its own.
    /// </summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// A network (CIDR, e.g. <c>10.203.0.0/24</c>) whose hosts may connect without a password, besides loopback.
    /// Default null: loopback only. Only for networks that exist inside private network namespaces.
    /// </summary>
    public string? TrustedNetwork { get; init; }

    /// <summary>
    /// Words run before every PostgreSQL tool (initdb, pg_ctl), which must exec it in turn, e.g.
    /// <c>ip netns exec NS</c>: pg_ctl then starts the server inside that network namespace. Default: none.
    /// </summary>
    public IReadOnlyList<string> CommandPrefix { get; init; } = [];

    /// <summary>Superuser role created by initdb. Default: <c>postgres</c>.</summary>
    public string SuperUser { get; init; } = "postgres";

    /// <summary>
    /// The OS account that runs initdb and the server when we run as root (PostgreSQL refuses root).
    /// Default: <c>postgres</c>.
    /// </summary>
    public string OsUser { get; init; } = "postgres";

    /// <summary>
    /// Default true. False turns off fsync, synchronous commit and full-page writes: a crash may lose
    /// the cluster, which is fine for throwaway test servers and makes them much faster.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>How long pg_ctl may wait for the server to accept connections. Default: 60 seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The binaries to use. Default: the newest found by <see cref="PostgresBinaries.Locate"/>.</summary>
    public PostgresBinaries? Binaries { get; init; }
}
