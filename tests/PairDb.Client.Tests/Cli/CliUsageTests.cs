using PairDb.Client.Cli;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cli;

public sealed class CliUsageTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task RunAsync_NoArguments_PrintsUsageAndExits2()
    {
        var run = await CliRun.RunAsync();

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Usage), run.ToString());
        Assert.That(run.Error, Does.StartWith("usage: pairdb <command>"));
    }

    [Test]
    public async Task RunAsync_UnknownCommand_Exits2NamingIt()
    {
        var run = await CliRun.RunAsync("frobnicate");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("unknown command 'frobnicate'"));
    }

    [TestCase(new[] { "put", "t1", "k1" }, "missing VALUE")]
    [TestCase(new[] { "get", "t1" }, "missing KEY")]
    [TestCase(new[] { "get", "t1", "k1", "extra" }, "unexpected argument 'extra'")]
    [TestCase(new[] { "get", "t1", "k1", "--bogus" }, "unknown option --bogus")]
    [TestCase(new[] { "put", "t1", "k1", "v1", "--consistency", "most" }, "--consistency must be one, quorum or all")]
    [TestCase(new[] { "put", "t1", "k1", "v1", "--context", "not base64!" }, "--context is not base64")]
    [TestCase(new[] { "up", "--nodes", "zero" }, "--nodes must be a whole number")]
    [TestCase(new[] { "node", "explode", "node-1" }, "unknown node action 'explode'")]
    [TestCase(new[] { "node", "kill", "node-1", "--force" }, "--force applies to node remove only")]
    [TestCase(new[] { "nodes", "add", "n9", "127.0.0.1", "99999" }, "GRPC_PORT must be in 1..65535")]
    public async Task RunAsync_BadArguments_Exits2WithMessageAndUsage(string[] args, string message)
    {
        var run = await CliRun.RunAsync([.. args, "--data", _directory.Path, "--coordinator", "http://127.0.0.1:1"]);

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain($"error: {message}").And.Contain("usage: pairdb " + args[0]));
    }

    [Test]
    public async Task RunAsync_CommandHelp_PrintsItsUsageAndExits0()
    {
        var run = await CliRun.RunAsync("put", "--help");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.StartWith("usage: pairdb put TENANT KEY VALUE"));
    }

    [Test]
    public async Task RunAsync_StatusWithoutCluster_Exits1SayingHowToStartOne()
    {
        var run = await CliRun.RunAsync("status", "--json", "--data", _directory.Path);

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Failed), run.ToString());
        Assert.That(run.Error, Does.Contain("no local cluster in " + _directory.Path).And.Contain("./pairdb up"));
    }

    [Test]
    public async Task RunAsync_DownWithoutCluster_SaysNothingWasRunning()
    {
        var run = await CliRun.RunAsync("down", "--data", _directory.Path);

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("nothing was running"));
    }
}
