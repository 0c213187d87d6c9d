using System.Text.Json;
using System.Text.Json.Serialization;

namespace PairDb.Client.Tooling.Cluster;

/// <summary>
/// What <c>./pairdb up</c> started, persisted as <c>cluster.json</c> in the data directory so that
/// later commands (<c>down</c>, <c>status</c>, <c>node kill</c>, the CLI) find the same processes and ports.
/// </summary>
public sealed class ClusterState
{
    public const string FileName = "cluster.json";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public int Version { get; set; } = CurrentVersion;

    /// <summary>The first port of the cluster's range; see <see cref="ClusterPorts"/>.</summary>
    public int BasePort { get; set; }

    /// <summary>
    /// True when the hosts run secure (TLS, authentication) with the files under <c>tls/</c>; false for
    /// <c>up --insecure</c> (and clusters made before security existed). Chosen by the first <c>up</c>.
    /// </summary>
    public bool Secure { get; set; }

    public PostgresState Postgres { get; set; } = new();

    public ManagedProcess? Coordinator { get; set; }

    public int CoordinatorGrpcPort { get; set; }

    public int CoordinatorHttpPort { get; set; }

    public List<NodeProcess> Nodes { get; set; } = [];

    public NodeProcess? FindNode(string id) => Nodes.Find(n => string.Equals(n.Id, id, StringComparison.Ordinal));

    /// <summary>Reads the state file of <paramref name="dataDirectory"/>, or null when there is none.</summary>
    public static ClusterState? TryLoad(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(path), Json)
                ?? throw new ClusterException($"{path} is empty");
            if (state.Version != CurrentVersion)
            {
                throw new ClusterException($"{path} has format version {state.Version}; this pairdb reads version {CurrentVersion}");
            }
            return state;
        }
        catch (JsonException e)
        {
            throw new ClusterException($"{path} is not a valid cluster state file: {e.Message}", e);
        }
    }

    /// <summary>Writes the state file atomically (temp file, fsync, rename), so a crash never leaves half of it; readable by its owner only.</summary>
    public void Save(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Owner only: the connection string of an external server (PAIRDB_POSTGRES) may hold a password.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>The metadata PostgreSQL: one we run from the machine's binaries, or an external one (PAIRDB_POSTGRES).</summary>
public sealed class PostgresState
{
    /// <summary>True when <c>up</c> runs the server itself (under DIR/postgres).</summary>
    public bool Managed { get; set; }

    public int Port { get; set; }

    /// <summary>The postmaster, when managed.</summary>
    public ManagedProcess? Process { get; set; }

    /// <summary>Npgsql connection string of the metadata database the coordinator uses.</summary>
    public string ConnectionString { get; set; } = "";
}

/// <summary>A process we started, identified by PID plus its kernel start time (so a reused PID is not mistaken for it).</summary>
public sealed class ManagedProcess
{
    public int Pid { get; set; }

    /// <summary>Field 22 of /proc/PID/stat (clock ticks after boot) when the process was recorded.</summary>
    public long StartTicks { get; set; }

    /// <summary>A string its /proc/PID/cmdline must contain (the assembly path or the data directory).</summary>
    public string CommandLineMarker { get; set; } = "";

    public string LogPath { get; set; } = "";
}

/// <summary>A storage node of the local cluster.</summary>
public sealed class NodeProcess
{
    public string Id { get; set; } = "";

    /// <summary>The node's port slot (1-based): its ports are derived from it and the base port.</summary>
    public int Slot { get; set; }

    public int GrpcPort { get; set; }

    public int HttpPort { get; set; }

    public string DataDirectory { get; set; } = "";

    public ManagedProcess? Process { get; set; }
}
