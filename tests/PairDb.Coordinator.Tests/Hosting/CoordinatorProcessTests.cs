using PairDb.Testing.Runbook;
using System.Reflection;
using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Tests.Support;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Hosting;

/// <summary>The coordinator as operators run it: its own process, started with --migrate on a fresh database.</summary>
public sealed class CoordinatorProcessTests
{
    [Test]
    public async Task Start_WithMigrateOnFreshDatabase_AnswersListStorageNodesAndRunbookSql()
    {
        await using var database = await MetadataDatabase.CreateAsync(migrate: false);
        using var directory = TestDirectory.Create();
        var ports = FreePort.Next(2);
        var spec = new HostSpec
        {
            Name = "coordinator",
            AssemblyPath = LocateCoordinator(),
            Arguments =
            [
                "--migrate",
                $"--ConnectionStrings:Metadata={database.ConnectionString}",
                "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                $"--PairDb:Coordinator:HttpPort={ports[1]}",
                "--PairDb:Coordinator:StateDirectory=" + directory.Combine("state"),
            ],
            HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
            LogPath = directory.Combine("coordinator.log"),
        };
        await using var host = await HostLauncher.StartAsync(spec);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
        var client = new CoordinatorService.CoordinatorServiceClient(channel);

        var empty = await client.ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(empty.Nodes, Is.Empty);
        await client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.0.1", Port = 1 });
        var listed = await client.ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(listed.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "storage-node-1" }));
        var rows = await database.QueryAsync(RunbookSql.NodeStates);
        Assert.That(rows.Single()["node_id"], Is.EqualTo("storage-node-1"));
        Assert.That(host.ReadLogTail(200), Does.Contain("Applied metadata migrations"));

        // The runbook curls the admin API on the port it also gives grpcurl (coordinator:8080).
        using var http = new HttpClient();
        var onGrpcPort = await http.GetStringAsync($"http://127.0.0.1:{ports[0]}/api/v1/nodes");
        Assert.That(onGrpcPort, Does.Contain("storage-node-1"), "HTTP/1.1 admin API on the gRPC port");
        using var httpPortChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[1]}");
        var viaHttpPort = await new CoordinatorService.CoordinatorServiceClient(httpPortChannel).ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(viaHttpPort.Nodes, Has.Count.EqualTo(1), "gRPC on the HTTP port");
    }

    [Test]
    public async Task Start_PostgresUnreachableAndNoSnapshot_ExitsNonZeroSayingWhy()
    {
        using var directory = TestDirectory.Create();
        var ports = FreePort.Next(2);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            LocateCoordinator(),
            $"--ConnectionStrings:Metadata={MetadataOutageTests.UnreachablePostgres()}",
            "--PairDb:Coordinator:ListenAddress=127.0.0.1",
            $"--PairDb:Coordinator:GrpcPort={ports[0]}",
            $"--PairDb:Coordinator:HttpPort={ports[1]}",
            "--PairDb:Coordinator:StateDirectory=" + directory.Combine("state"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("the coordinator was still running 90 s after start with no PostgreSQL and no snapshot; it should have exited");
            }
        }

        Assert.That(process.ExitCode, Is.Not.Zero);
        Assert.That(await stderr, Does.Contain("no ring snapshot in " + directory.Combine("state", "ring")).And.Contain("PostgreSQL unreachable"),
            "stdout: " + await stdout);
    }

    private static string LocateCoordinator()
    {
        var configuration = typeof(CoordinatorProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        return HostAssemblies.Locate(root, HostKind.Coordinator, configuration);
    }
}
