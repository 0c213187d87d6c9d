namespace PairDb.StorageNode.Configuration;

/// <summary>Identity, addresses and data directory of a storage node (section <c>PairDb:StorageNode</c>).</summary>
public sealed class NodeOptions
{
    public const string SectionName = "PairDb:StorageNode";

    /// <summary>
    /// The id this node mints dots under (1..128 printable ASCII). It must stay the same across
    /// restarts: a node that changes id keeps working but bloats every context it touches.
    /// Default: the machine name.
    /// </summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>Where the engine keeps <c>commitlog/</c>, <c>sstables/</c> and its manifest. Default <c>/var/lib/pairdb</c>.</summary>
    public string DataDirectory { get; set; } = "/var/lib/pairdb";

    /// <summary>
    /// Address both ports bind: an IP address, or <c>*</c> for every interface. Default <c>127.0.0.1</c>: any other
    /// address needs TLS (<c>PairDb:Security</c>) or <c>--insecure</c>.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>gRPC port (cleartext HTTP/2): StorageService, grpc.health.v1, reflection. Default 8001.</summary>
    public int GrpcPort { get; set; } = 8001;

    /// <summary>HTTP/1.1 port: admin API, <c>/health</c>, <c>/metrics</c>. Default 8080.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>
    /// Whether the gRPC port also answers the admin API over HTTP/1.1 (runbook 5.4 runs
    /// <c>curl http://node:8001/health</c> against the gRPC port). Turn it off to keep data and admin
    /// traffic strictly apart; the admin port never serves gRPC either way.
    /// </summary>
    public bool AdminOnGrpcPort { get; set; } = true;

    /// <summary>
    /// Request header naming the calling client (logged). On an insecure node only it is matched against
    /// <c>Validation:TrustedClients</c>; on a secure node trust is the member certificate. Default <c>x-pairdb-client-id</c>.
    /// </summary>
    public string ClientIdHeader { get; set; } = "x-pairdb-client-id";

    /// <summary>
    /// The coordinator's gRPC address (e.g. <c>http://127.0.0.1:8080</c>), asked for replica peers by the recovery
    /// endpoints (runbook 2.3 restore-from-replica). Unset: those endpoints answer 503 and change nothing.
    /// </summary>
    public string? CoordinatorEndpoint { get; set; }

    /// <summary>How long a graceful shutdown waits for in-flight requests before closing the engine. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
