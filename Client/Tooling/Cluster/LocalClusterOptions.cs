namespace PairDb.Client.Tooling.Cluster;

/// <summary>Where a local cluster lives and how <c>up</c> shapes it.</summary>
public sealed class LocalClusterOptions
{
    /// <summary>The cluster's directory: cluster.json, postgres/, nodes/NODE/, logs/.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The checkout whose built hosts are run (the directory holding PairDb.sln).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Build configuration of the hosts to run. Default Release.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>
    /// First port of the range (see <see cref="ClusterPorts"/>). Null: the one recorded in cluster.json,
    /// else <see cref="ClusterPorts.DefaultBasePort"/>.
    /// </summary>
    public int? BasePort { get; init; }

    /// <summary>Storage nodes <c>up</c> ensures (node-1..node-N). Null: those recorded, else 3.</summary>
    public int? Nodes { get; init; }

    /// <summary>
    /// An external metadata server (PAIRDB_POSTGRES): used as is instead of running PostgreSQL under
    /// the data directory. Null: run our own.
    /// </summary>
    public string? ExternalPostgres { get; init; }

    /// <summary>
    /// <c>up --insecure</c>: a new cluster runs plaintext without authentication (no <c>tls/</c>, no
    /// tokens). Default false: a new cluster is secure. An existing cluster keeps the mode it was made
    /// with; asking an existing secure cluster for insecure fails.
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>How long every node may take to be seen UP by the coordinator. Default 90 seconds.</summary>
    public TimeSpan HealthyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Receives one line per step, for the user to watch. Default: nothing.</summary>
    public Action<string> Progress { get; init; } = _ => { };
}
