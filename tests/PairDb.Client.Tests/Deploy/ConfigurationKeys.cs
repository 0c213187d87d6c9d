namespace PairDb.Client.Tests.Deploy;

/// <summary>
/// The configuration keys the hosts read, in the environment-variable form (<c>:</c> written
/// <c>__</c>) that docker-compose and the Kubernetes manifests set. One place, so that a renamed
/// setting in a host is a one-line change here and the deploy tests then name every file to fix.
/// </summary>
internal static class ConfigurationKeys
{
    public const string StorageNodeId = "PairDb__StorageNode__NodeId";
    public const string StorageNodeDataDirectory = "PairDb__StorageNode__DataDirectory";
    public const string StorageNodeGrpcPort = "PairDb__StorageNode__GrpcPort";
    public const string StorageNodeHttpPort = "PairDb__StorageNode__HttpPort";

    public const string MetadataConnectionString = "ConnectionStrings__Metadata";
    public const string CoordinatorGrpcPort = "PairDb__Coordinator__GrpcPort";
    public const string CoordinatorHttpPort = "PairDb__Coordinator__HttpPort";

    public const string StorageNodeListenAddress = "PairDb__StorageNode__ListenAddress";
    public const string CoordinatorListenAddress = "PairDb__Coordinator__ListenAddress";

    /// <summary>PairDb:Security (README "Security"): file paths of a secure host, or the explicit opt-out.</summary>
    public static readonly IReadOnlyList<string> Security =
    [
        "PairDb__Security__CertificatePath", "PairDb__Security__KeyPath", "PairDb__Security__CaPath",
        "PairDb__Security__OperatorTokenPath", "PairDb__Security__Insecure",
    ];

    /// <summary>Keys every storage node container must set.</summary>
    public static readonly IReadOnlyList<string> StorageNode =
        [StorageNodeId, StorageNodeDataDirectory, StorageNodeGrpcPort, StorageNodeHttpPort];

    /// <summary>Keys every coordinator container must set.</summary>
    public static readonly IReadOnlyList<string> Coordinator =
        [MetadataConnectionString, CoordinatorGrpcPort, CoordinatorHttpPort];

    /// <summary>Keys the migrations step must set.</summary>
    public static readonly IReadOnlyList<string> Migrations = [MetadataConnectionString];

    /// <summary>The hosts' default ports (DESIGN.md section 7), which the containers listen on.</summary>
    public const int StorageNodeGrpcPortDefault = 8001;
    public const int StorageNodeHttpPortDefault = 8080;
    public const int CoordinatorGrpcPortDefault = 8080;
    public const int CoordinatorHttpPortDefault = 8081;

    /// <summary>The liveness endpoint both hosts serve on their HTTP port.</summary>
    public const string LivenessPath = "/health/live";
}
