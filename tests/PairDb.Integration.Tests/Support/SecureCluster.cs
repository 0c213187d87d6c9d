using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Testing;

namespace PairDb.Integration.Tests.Support;

/// <summary>
/// A secure cluster (TLS on every port, member certificates of a CA made for the test, an operator token): a
/// coordinator and three storage node processes, the nodes registered by the operator and bootstrapped to NORMAL,
/// which needs the coordinator's member calls to the nodes (Identify, health, disk check, streaming) to work.
/// </summary>
internal sealed class SecureCluster : IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly TestDirectory _directory;
    private readonly List<SecureHost> _hosts;

    private SecureCluster(PostgresDatabase database, TestDirectory directory, ClusterCredentials credentials, List<SecureHost> hosts,
        (int Grpc, int Http) coordinator, (int Grpc, int Http)[] nodes)
    {
        _database = database;
        _directory = directory;
        Credentials = credentials;
        _hosts = hosts;
        Coordinator = coordinator;
        Nodes = nodes;
    }

    public ClusterCredentials Credentials { get; }

    public (int Grpc, int Http) Coordinator { get; }

    public (int Grpc, int Http)[] Nodes { get; }

    public static async Task<SecureCluster> StartAsync()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        var directory = TestDirectory.Create("secure-cluster");
        var credentials = ClusterCredentials.Create(directory.Combine("tls"));
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var configuration = typeof(SecureCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var hosts = new List<SecureHost>();
        var nodePorts = new (int Grpc, int Http)[3];
        (int Grpc, int Http) coordinatorPorts;
        using var probe = new HttpClient(credentials.Handler()) { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            var ports = FreePort.Next(2 + 2 * nodePorts.Length);
            var coordinatorSettings = credentials.HostSettings("coordinator");
            coordinatorSettings["ConnectionStrings:Metadata"] = database.ConnectionString;
            coordinatorSettings["PairDb:Coordinator:GrpcPort"] = Text(ports[0]);
            coordinatorSettings["PairDb:Coordinator:HttpPort"] = Text(ports[1]);
            coordinatorSettings["PairDb:Coordinator:StateDirectory"] = directory.Combine("coordinator-state");
            coordinatorSettings["PairDb:HealthProbe:Interval"] = "00:00:00.250";
            coordinatorPorts = (ports[0], ports[1]);
            var coordinator = SecureHost.Launch(HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
                ["--migrate", .. Arguments(coordinatorSettings)], directory.Combine("coordinator.log"));
            hosts.Add(coordinator);
            for (var i = 0; i < nodePorts.Length; i++)
            {
                var nodeId = $"storage-node-{i + 1}";
                nodePorts[i] = (ports[2 + 2 * i], ports[3 + 2 * i]);
                var settings = credentials.HostSettings(nodeId);
                settings["PairDb:StorageNode:NodeId"] = nodeId;
                settings["PairDb:StorageNode:DataDirectory"] = directory.Combine(nodeId, "data");
                settings["PairDb:StorageNode:GrpcPort"] = Text(nodePorts[i].Item1);
                settings["PairDb:StorageNode:HttpPort"] = Text(nodePorts[i].Item2);
                settings["PairDb:StorageNode:CoordinatorEndpoint"] = $"https://127.0.0.1:{ports[0]}";
                hosts.Add(SecureHost.Launch(HostAssemblies.Locate(root, HostKind.StorageNode, configuration), Arguments(settings), directory.Combine(nodeId + ".log")));
            }
            await coordinator.WaitLiveAsync(probe, new Uri($"https://127.0.0.1:{ports[1]}/health/live"));
            for (var i = 0; i < nodePorts.Length; i++)
            {
                await hosts[i + 1].WaitLiveAsync(probe, new Uri($"https://127.0.0.1:{nodePorts[i].Item2}/health/live"));
            }
        }
        catch
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
            throw;
        }

        var cluster = new SecureCluster(database, directory, credentials, hosts, coordinatorPorts, nodePorts);
        try
        {
            await cluster.RegisterNodesAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>A gRPC channel to <paramref name="port"/> trusting <paramref name="trusted"/> (the cluster CA by default), presenting <paramref name="clientCertificate"/>.</summary>
    public GrpcChannel Channel(int port, X509Certificate2? clientCertificate = null, X509Certificate2? trusted = null) =>
        GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = Credentials.Handler(clientCertificate, trusted),
            DisposeHttpClient = true,
        });

    /// <summary>An HTTP client for <paramref name="port"/>, with <paramref name="bearer"/> as its credential if given.</summary>
    public HttpClient Http(int port, string? bearer = null, X509Certificate2? clientCertificate = null)
    {
        var http = new HttpClient(Credentials.Handler(clientCertificate)) { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return http;
    }

    /// <summary>gRPC metadata carrying <paramref name="token"/> as bearer credential.</summary>
    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public Metadata Operator => Bearer(Credentials.OperatorToken);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public string Logs() => string.Join("\n----\n", _hosts.Select(h => h.LogPath + ":\n" + string.Join("\n", h.ReadLog().Split('\n').TakeLast(40))));

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>The operator registers every node (scheme left to the coordinator: https) and waits for their bootstraps.</summary>
    private async Task RegisterNodesAsync()
    {
        using var channel = Channel(Coordinator.Grpc);
        var admin = new CoordinatorService.CoordinatorServiceClient(channel);
        for (var i = 0; i < Nodes.Length; i++)
        {
            await admin.AddStorageNodeAsync(new AddStorageNodeRequest
            {
                NodeId = $"storage-node-{i + 1}", Host = "127.0.0.1", Port = (uint)Nodes[i].Grpc, HttpPort = (uint)Nodes[i].Http,
            }, Operator);
        }
        await Eventually.WaitAsync(async () =>
        {
            var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest(), Operator);
            return listed.Nodes.Count == Nodes.Length && listed.Nodes.All(n => n.State == NodeState.Normal && n.Status == NodeStatus.Up);
        }, "every node of the secure cluster to bootstrap (NORMAL) and be probed UP over TLS", TimeSpan.FromSeconds(90));
    }

    private static IEnumerable<string> Arguments(IReadOnlyDictionary<string, string> settings) => settings.Select(s => $"--{s.Key}={s.Value}");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
