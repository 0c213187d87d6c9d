using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PairDb.Client.Tests.Testing;
using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Client.Tests.Tooling;

public sealed class HostLauncherTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task StartAsync_StorageNode_HealthAnswers200()
    {
        await using var host = await HostLauncher.StartAsync(StorageNodeSpec(FreePort.Next()));
        using var http = new HttpClient();

        using var response = await http.GetAsync(host.HealthUrl);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task StopAsync_RunningHost_ExitsCleanly()
    {
        var host = await HostLauncher.StartAsync(StorageNodeSpec(FreePort.Next()));

        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(host.HasExited, Is.True);
            Assert.That(host.ExitCode, Is.EqualTo(0), host.ReadLogTail());
        });
    }

    [Test]
    public async Task Kill_RunningHost_LeavesNoProcess()
    {
        var host = await HostLauncher.StartAsync(StorageNodeSpec(FreePort.Next()));

        host.Kill();

        Assert.Multiple(() =>
        {
            Assert.That(host.HasExited, Is.True);
            Assert.That(() => Process.GetProcessById(host.Pid), Throws.ArgumentException);
            Assert.That(Directory.Exists($"/proc/{host.Pid}"), Is.False);
        });
    }

    [Test]
    public void StartAsync_PortAlreadyTaken_ThrowsWithLogTail()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = Assert.ThrowsAsync<HostStartException>(() => HostLauncher.StartAsync(StorageNodeSpec(port)));

        Assert.That(error!.Message, Does.Contain("exited with code")
            .And.Contain("Last log lines")
            .And.Contain("address already in use").IgnoreCase);
    }

    [Test]
    public void StartAsync_HealthNeverAnswers200_ThrowsNamingUrlAndLastAnswer()
    {
        var port = FreePort.Next();
        var spec = StorageNodeSpec(port);
        var wrongUrl = new Uri($"http://127.0.0.1:{port}/no-such-endpoint");

        var error = Assert.ThrowsAsync<HostStartException>(() => HostLauncher.StartAsync(
            new HostSpec
            {
                Name = spec.Name,
                AssemblyPath = spec.AssemblyPath,
                Arguments = spec.Arguments,
                HealthUrl = wrongUrl,
                LogPath = spec.LogPath,
                StartTimeout = TimeSpan.FromSeconds(3),
            }));

        Assert.That(error!.Message, Does.Contain(wrongUrl.ToString())
            .And.Contain("404")
            .And.Contain("Last log lines"));
    }

    [Test]
    public void StartAsync_MissingAssembly_ThrowsFileNotFound()
    {
        var spec = new HostSpec
        {
            Name = "ghost",
            AssemblyPath = _directory.Combine("Ghost.dll"),
            HealthUrl = new Uri("http://127.0.0.1:1/health/live"),
            LogPath = _directory.Combine("ghost.log"),
        };

        Assert.ThrowsAsync<FileNotFoundException>(() => HostLauncher.StartAsync(spec));
    }

    private HostSpec StorageNodeSpec(int port) => new()
    {
        Name = "storage-node-test",
        AssemblyPath = BuiltHosts.Locate(HostKind.StorageNode),
        Arguments =
        [
            $"--PairDb:StorageNode:HttpPort={port}",
            $"--PairDb:StorageNode:GrpcPort={FreePort.Next()}",
            $"--PairDb:StorageNode:DataDirectory={_directory.Combine("data")}",
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
        ],
        HealthUrl = new Uri($"http://127.0.0.1:{port}/health/live"),
        LogPath = _directory.Combine("storage-node.log"),
    };
}
