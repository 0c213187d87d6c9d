using System.Text.Json;
using Google.Protobuf;
using PairDb.Client.Cli;
using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using WireSibling = PairDb.Contracts.Grpc.Sibling;

namespace PairDb.Client.Tests.Cli;

/// <summary>put/get/delete as the CLI prints them, against the fake KeyValueService the SDK tests use.</summary>
public sealed class KeyValueCommandTests : FakeServerFixture
{
    private static readonly ByteString Context = ByteString.CopyFromUtf8("ctx-1");

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync([.. args, "--coordinator", Server.Endpoint.ToString(), "--data", Path.Combine(Path.GetTempPath(), "pairdb-cli-unused")]);

    [Test]
    public async Task Put_SendsTenantKeyValueAndW_PrintsOkAndContext()
    {
        var run = await RunAsync("put", "t1", "k1", "v1", "--w", "2");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(Behavior.Puts.TryPeek(out var put), Is.True);
        Assert.That(put!.TenantId, Is.EqualTo("t1"));
        Assert.That(put.Key.ToStringUtf8(), Is.EqualTo("k1"));
        Assert.That(put.Value.ToStringUtf8(), Is.EqualTo("v1"));
        Assert.That(put.W, Is.EqualTo(2));
        Assert.That(run.Out, Does.StartWith("OK (put t1/k1)").And.Contain("context: " + FakeKeyValueBehavior.PutContext.ToBase64()));
    }

    [Test]
    public async Task Get_OneValue_PrintsTheValueThenTheContext()
    {
        Behavior.GetReply = new GetReply { Siblings = { new WireSibling { Value = ByteString.CopyFromUtf8("v1") } }, Context = Context };

        var run = await RunAsync("get", "t1", "k1");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out.Split('\n')[0], Is.EqualTo("v1"));
        Assert.That(run.Out, Does.Contain("context: " + Context.ToBase64()));
    }

    [Test]
    public async Task Get_Siblings_ListsEachAndTheContext()
    {
        Behavior.GetReply = new GetReply
        {
            Siblings = { new WireSibling { Value = ByteString.CopyFromUtf8("red") }, new WireSibling { Value = ByteString.CopyFrom(0, 1, 2) }, new WireSibling { Tombstone = true } },
            Context = Context,
        };

        var run = await RunAsync("get", "t1", "k1");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.StartWith("3 siblings")
            .And.Contain("[1] red").And.Contain("[2] base64:AAEC").And.Contain("[3] (deleted)")
            .And.Contain("context: " + Context.ToBase64()));
    }

    [Test]
    public async Task Get_Json_ParsesWithSiblingsAndBase64Context()
    {
        Behavior.GetReply = new GetReply { Siblings = { new WireSibling { Value = ByteString.CopyFromUtf8("v1") } }, Context = Context };

        var run = await RunAsync("get", "t1", "k1", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.That(root.GetProperty("siblings")[0].GetProperty("value").GetString(), Is.EqualTo("v1"));
        Assert.That(root.GetProperty("siblings")[0].GetProperty("value_base64").GetString(), Is.EqualTo("djE="));
        Assert.That(root.GetProperty("context").GetString(), Is.EqualTo(Context.ToBase64()));
    }

    [Test]
    public async Task Get_Missing_Exits1NamingKeyNotFound()
    {
        var run = await RunAsync("get", "t1", "nope");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Failed), run.ToString());
        Assert.That(run.Error, Does.StartWith("error: KEY_NOT_FOUND (1001): "));
    }

    [Test]
    public async Task Put_ServerRefuses_Exits1NamingTheCode()
    {
        Behavior.FailAlways(ErrorCode.DiskFull);

        var run = await RunAsync("put", "t1", "k1", "v1");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Failed), run.ToString());
        Assert.That(run.Error, Does.StartWith("error: DISK_FULL (2002): "));
    }

    [Test]
    public async Task Delete_WithoutContext_ReadsFirstAndDeletesWithItsContext()
    {
        Behavior.GetReply = new GetReply { Siblings = { new WireSibling { Value = ByteString.CopyFromUtf8("v1") } }, Context = Context };

        var run = await RunAsync("delete", "t1", "k1", "--json");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(Behavior.Deletes.TryPeek(out var delete), Is.True);
        Assert.That(delete!.Context, Is.EqualTo(Context));
        using var json = JsonDocument.Parse(run.Out);
        Assert.That(json.RootElement.GetProperty("context").GetString(), Is.EqualTo(FakeKeyValueBehavior.DeleteContext.ToBase64()));
    }
}
