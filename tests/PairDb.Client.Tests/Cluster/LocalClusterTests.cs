using System.Text.Json;
using PairDb.Client.Tooling;
using PairDb.Testing;
using PairDb.Testing.Reads;

namespace PairDb.Client.Tests.Cluster;

/// <summary>
/// <c>./pairdb up --insecure</c>, the commands against the cluster it starts, and <c>./pairdb down</c>, on one real
/// cluster (PostgreSQL, a coordinator, three storage nodes as processes). The tests run in order: the
/// last one takes the cluster down and checks that no process it started is left. The secure default is
/// <see cref="SecureLocalClusterTests"/>.
/// </summary>
[NonParallelizable]
public sealed class LocalClusterTests
{
    private TestDirectory _directory = null!;
    private int _basePort;

    private string[] Data => ["--data", _directory.Path];

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries on this machine (./pairdb test installs them)");
        }
        _directory = TestDirectory.Create("local-cluster");
        _basePort = PortRange.FindFree();
        var up = await RunAsync("up", "--insecure", "--base-port", _basePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString());
        TestContext.Progress.WriteLine($"./pairdb up (fresh data directory, built tree): {up.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_directory is null)
        {
            return;
        }
        // Cleanup when a test failed before the down test ran; a no-op otherwise.
        await RunAsync("down");
        _directory.Dispose();
    }

    [Test, Order(1)]
    public async Task Status_AfterUp_JsonShowsThreeNodesUpWithRunningProcesses()
    {
        using var status = await StatusAsync();
        var root = status.RootElement;

        var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
        Assert.That(nodes.Select(n => n.GetProperty("id").GetString()), Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(nodes.Select(n => n.GetProperty("status").GetString()), Is.All.EqualTo("UP"));
        Assert.That(nodes.Select(n => n.GetProperty("state").GetString()), Is.All.EqualTo("NORMAL"));
        Assert.That(nodes.Select(n => n.GetProperty("running").GetBoolean()), Is.All.True);
        Assert.That(nodes[0].GetProperty("grpc_port").GetInt32(), Is.EqualTo(_basePort + 10));
        Assert.That(nodes[0].GetProperty("http_port").GetInt32(), Is.EqualTo(_basePort + 11));
        Assert.That(nodes[0].GetProperty("disk_usage_percent").GetDouble(), Is.InRange(0.0, 100.0));
        Assert.That(root.GetProperty("coordinator").GetProperty("grpc_endpoint").GetString(), Is.EqualTo($"127.0.0.1:{_basePort + 1}"));
        Assert.That(root.GetProperty("coordinator").GetProperty("http_endpoint").GetString(), Is.EqualTo($"http://127.0.0.1:{_basePort + 2}"));
        Assert.That(root.GetProperty("postgres").GetProperty("connection_string").GetString(), Does.Contain($"Port={_basePort}"));
        Assert.That(root.GetProperty("postgres").GetProperty("running").GetBoolean(), Is.True);
    }

    [Test, Order(1)]
    public async Task UpInsecure_WritesNoSecurityFiles_StatusSaysInsecure()
    {
        using var status = await StatusAsync();

        Assert.That(Directory.Exists(_directory.Combine("tls")), Is.False, "no tls/ directory");
        Assert.That(File.Exists(_directory.Combine("operator.token")), Is.False, "no operator token");
        Assert.That(Directory.Exists(_directory.Combine("tenants")), Is.False, "no tenant keys");
        Assert.That(status.RootElement.GetProperty("security").GetProperty("mode").GetString(), Is.EqualTo("insecure"));
        Assert.That(File.ReadAllText(_directory.Combine("cluster.json")), Does.Contain("\"secure\": false"));
    }

    [Test, Order(1)]
    public void UpInsecure_MetadataConnectionString_NotOnTheCoordinatorsCommandLine()
    {
        var state = PairDb.Client.Tooling.Cluster.ClusterState.TryLoad(_directory.Path)!;
        var commandLine = File.ReadAllText($"/proc/{state.Coordinator!.Pid}/cmdline").Replace('\0', ' ');

        Assert.That(commandLine, Does.Not.Contain("ConnectionStrings").And.Not.Contain(state.Postgres.ConnectionString));
    }

    [Test, Order(2)]
    public async Task Up_EverythingRunning_SaysSoAndKeepsEveryProcess()
    {
        var before = Pids(await StatusAsync());

        var up = await RunAsync("up");

        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString());
        Assert.That(up.Out, Does.Contain("is already running; nothing changed"));
        Assert.That(Pids(await StatusAsync()), Is.EqualTo(before));
    }

    [Test, Order(3)]
    public async Task Psql_RunbookQuery_ListsTheRegisteredNodes()
    {
        var psql = await RunAsync("psql", "-At", "-c", "SELECT node_id || ' ' || state FROM storage_nodes ORDER BY node_id");

        Assert.That(psql.ExitCode, Is.EqualTo(0), psql.ToString());
        Assert.That(psql.Out.Trim().Split('\n'), Is.EqualTo(new[] { "node-1 NORMAL", "node-2 NORMAL", "node-3 NORMAL" }));
    }

    [Test, Order(4)]
    public async Task NodeKill_ThenUp_RestartsOnlyTheKilledNode()
    {
        var before = Pids(await StatusAsync());

        var kill = await RunAsync("node", "kill", "node-2");
        var afterKill = await StatusAsync();
        var up = await RunAsync("up");

        Assert.That(kill.ExitCode, Is.EqualTo(0), kill.ToString());
        Assert.That(ProcessIdentity.ReadStartTicks(before["node-2"]), Is.Null, "node-2 still runs after node kill");
        Assert.That(Node(afterKill, "node-2").GetProperty("running").GetBoolean(), Is.False);
        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString());
        Assert.That(up.Out, Does.Contain("started: node-2 (pid"));
        var after = Pids(await StatusAsync());
        Assert.That(after["node-2"], Is.Not.EqualTo(before["node-2"]));
        Assert.That(after.Where(p => p.Key != "node-2"), Is.EquivalentTo(before.Where(p => p.Key != "node-2")));
    }

    [Test, Order(5)]
    public async Task PutThenGet_ThroughTheCoordinator_PrintsTheValue()
    {
        var put = await RunAsync("put", "t1", "k1", "v1");
        var get = await RunAsync("get", "t1", "k1");

        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString());
        Assert.That(get.Out.Split('\n')[0], Is.EqualTo("v1"));
    }

    [Test, Order(6)]
    public async Task NodeKill_WritesAtW2_StillSucceedAndReadBack()
    {
        var kill = await RunAsync("node", "kill", "node-3");
        Assert.That(kill.ExitCode, Is.EqualTo(0), kill.ToString());

        for (var i = 0; i < 5; i++)
        {
            var put = await RunAsync("put", "t1", $"after-kill-{i}", $"value-{i}", "--w", "2");
            Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        }
        for (var i = 0; i < 5; i++)
        {
            var get = await RunAsync("get", "t1", $"after-kill-{i}", "--json");
            Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString());
            using var json = JsonDocument.Parse(get.Out);
            // node-3 was down before the puts, no replica dies during one: each value exactly once.
            var values = json.RootElement.GetProperty("siblings").EnumerateArray().Select(s => s.GetProperty("value").GetString() ?? "");
            Assert.That(ExactRead.Problem($"after-kill-{i}", values, $"value-{i}", RepeatedDots.Refused), Is.Null, get.Out);
        }

        var restart = await RunAsync("node", "restart", "node-3");
        Assert.That(restart.ExitCode, Is.EqualTo(0), restart.ToString());
        Assert.That(Node(await StatusAsync(), "node-3").GetProperty("status").GetString(), Is.EqualTo("UP"));
    }

    [TestCase("nodes", "list", "nodes")]
    [TestCase("changes", null, "changes")]
    [TestCase("hints", null, "targets")]
    [TestCase("health", "node-1", "disk_usage_percent")]
    [Order(7)]
    public async Task Json_ReadCommands_PrintOneParsableObject(string command, string? argument, string property)
    {
        var run = await RunAsync(argument is null ? [command, "--json"] : [command, argument, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.That(json.RootElement.TryGetProperty(property, out _), Is.True, run.Out);
    }

    [Test, Order(9)]
    public async Task Down_StopsEveryProcessUpStarted_NoPidLeft()
    {
        var pids = Pids(await StatusAsync());
        Assert.That(pids, Has.Count.EqualTo(5), "postgres, coordinator and three nodes");

        var down = await RunAsync("down");

        Assert.That(down.ExitCode, Is.EqualTo(0), down.ToString());
        foreach (var (name, pid) in pids)
        {
            Assert.That(ProcessIdentity.ReadStartTicks(pid), Is.Null, $"{name} (pid {pid}) still runs after down");
            Assert.That(down.Out, Does.Contain($"{name} (pid {pid})"));
        }
    }

    private Task<ScriptRun> RunAsync(params string[] args) => PairDbScript.RunAsync([.. args, .. Data]);

    private async Task<JsonDocument> StatusAsync()
    {
        var status = await RunAsync("status", "--json");
        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        return JsonDocument.Parse(status.Out);
    }

    private static JsonElement Node(JsonDocument status, string id) =>
        status.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == id);

    /// <summary>Every running process of the cluster by name (postgres, coordinator, node ids).</summary>
    private static Dictionary<string, int> Pids(JsonDocument status)
    {
        using (status)
        {
            var root = status.RootElement;
            var pids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, element) in new[] { ("postgres", root.GetProperty("postgres")), ("coordinator", root.GetProperty("coordinator")) })
            {
                if (element.GetProperty("running").GetBoolean())
                {
                    pids[name] = element.GetProperty("pid").GetInt32();
                }
            }
            foreach (var node in root.GetProperty("nodes").EnumerateArray())
            {
                if (node.GetProperty("running").GetBoolean())
                {
                    pids[node.GetProperty("id").GetString()!] = node.GetProperty("pid").GetInt32();
                }
            }
            return pids;
        }
    }
}
