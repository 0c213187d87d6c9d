using System.Reflection;
using PairDb.Client.Tooling;
using PairDb.Integration.Tests.Support;
using PairDb.Testing;

namespace PairDb.Integration.Tests;

/// <summary>
/// Issue 14: a host without TLS refuses to listen off loopback unless told <c>--insecure</c>, and says so loudly
/// (EventId 9100) when it runs that way.
/// </summary>
public sealed class InsecureBindTests
{
    [Test]
    public async Task StorageNode_AllInterfacesWithoutTlsOrInsecure_ExitsNonZeroSayingWhy_WithInsecure_StartsAndWarns9100()
    {
        using var directory = TestDirectory.Create("insecure-bind");
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var configuration = typeof(InsecureBindTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var assembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
        var ports = FreePort.Next(2);
        string[] arguments =
        [
            "--PairDb:StorageNode:NodeId=open-node",
            "--PairDb:StorageNode:DataDirectory=" + directory.Combine("data"),
            "--PairDb:StorageNode:ListenAddress=0.0.0.0",
            $"--PairDb:StorageNode:GrpcPort={ports[0]}",
            $"--PairDb:StorageNode:HttpPort={ports[1]}",
        ];

        await using (var refused = SecureHost.Launch(assembly, arguments, directory.Combine("refused.log")))
        {
            var exitCode = await refused.WaitExitAsync();
            Assert.That(exitCode, Is.Not.EqualTo(0));
            Assert.That(refused.ReadLog(), Does.Contain("refusing to listen on 0.0.0.0 without TLS and authentication").And.Contain("--insecure"));
        }

        await using var insecure = SecureHost.Launch(assembly, [.. arguments, "--insecure"], directory.Combine("insecure.log"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await insecure.WaitLiveAsync(http, new Uri($"http://127.0.0.1:{ports[1]}/health/live"));
        Assert.That(insecure.ReadLog(), Does.Contain("[9100]").And.Contain("INSECURE mode: no TLS and no authentication on 0.0.0.0"));
    }
}
