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
