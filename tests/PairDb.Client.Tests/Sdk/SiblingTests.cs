using Google.Protobuf;
using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Contracts.Grpc;
using WireSibling = PairDb.Contracts.Grpc.Sibling;

namespace PairDb.Client.Tests.Sdk;

public sealed class SiblingTests : FakeServerFixture
{
    private static readonly ByteString Merged = ByteString.CopyFromUtf8("merged-context");

    private static GetReply Conflict() => new()
    {
        Siblings =
        {
            new WireSibling { Value = ByteString.CopyFromUtf8("red") },
            new WireSibling { Value = ByteString.CopyFromUtf8("blue"), ExpiresAtUnixMs = 4_102_444_800_000 },
            new WireSibling { Tombstone = true },
        },
        Context = Merged,
    };

    [Test]
    public async Task GetAsync_Siblings_ValuesTombstonesExpiryAndContextRoundTrip()
    {
        Behavior.GetReply = Conflict();
        using var client = new PairDbClient(Server.ClientOptions());

        var result = await client.GetAsync("t1", "k1");

        Assert.That(result.Found, Is.True);
        Assert.That(result.HasConflict, Is.True);
        Assert.That(result.LiveCount, Is.EqualTo(2));
        Assert.That(result.Siblings, Has.Count.EqualTo(3));
        Assert.That(result.Siblings[0].Value.ToArray(), Is.EqualTo("red"u8.ToArray()));
        Assert.That(result.Siblings[0].ExpiresAt, Is.Null);
        Assert.That(result.Siblings[1].ExpiresAt, Is.EqualTo(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(result.Siblings[2].IsTombstone, Is.True);
        Assert.That(result.Siblings[2].Value.IsEmpty, Is.True);
        Assert.That(result.Context.ToArray(), Is.EqualTo(Merged.ToByteArray()));
        Assert.That(() => result.Value, Throws.InvalidOperationException.With.Message.Contains("2 live siblings"));
    }

    [Test]
    public async Task GetAsync_OneLiveSiblingAndTombstone_ValueIsTheLiveOne()
    {
        Behavior.GetReply = new GetReply
        {
            Siblings = { new WireSibling { Tombstone = true }, new WireSibling { Value = ByteString.CopyFromUtf8("v1") } },
            Context = Merged,
        };
        using var client = new PairDbClient(Server.ClientOptions());

        var result = await client.GetAsync("t1", "k1");

        Assert.That(result.ValueAsString(), Is.EqualTo("v1"));
        Assert.That(result.HasConflict, Is.True);
    }

    [Test]
    public async Task PutAsync_ContextAndWriteOptions_SentAsGiven()
    {
        using var client = new PairDbClient(Server.ClientOptions());

        await client.PutAsync("t1", "k1"u8.ToArray(), "v1"u8.ToArray(), Merged.ToByteArray(),
            new WriteOptions { Consistency = ConsistencyLevel.All, W = 3, Ttl = TimeSpan.FromMinutes(2) });

        Assert.That(Behavior.Puts.TryDequeue(out var put), Is.True, "the server saw a put");
        Assert.That(put!.TenantId, Is.EqualTo("t1"));
        Assert.That(put.Key.ToStringUtf8(), Is.EqualTo("k1"));
        Assert.That(put.Value.ToStringUtf8(), Is.EqualTo("v1"));
        Assert.That(put.Context, Is.EqualTo(Merged));
        Assert.That(put.Consistency, Is.EqualTo(Consistency.All));
        Assert.That(put.W, Is.EqualTo(3));
        Assert.That(put.TtlSeconds, Is.EqualTo(120));
    }

    [Test]
    public async Task GetAsync_NoOptions_SendsDefaultConsistencyAndNoR()
    {
        Behavior.GetReply = Conflict();
        var options = Server.ClientOptions();
        options.DefaultConsistency = ConsistencyLevel.One;
        using var client = new PairDbClient(options);

        await client.GetAsync("t1", "k1");

        Assert.That(Behavior.Gets.TryDequeue(out var get), Is.True, "the server saw a get");
        Assert.That(get!.Consistency, Is.EqualTo(Consistency.One));
        Assert.That(get.HasR, Is.False);
    }

    [Test]
    public async Task GetResolvedAsync_Conflict_WritesResolvedValueWithMergedContext()
    {
        Behavior.GetReply = Conflict();
        using var client = new PairDbClient(Server.ClientOptions());

        var resolved = await client.GetResolvedAsync("t1", "k1", siblings => Concatenate(siblings));

        Assert.That(Behavior.Puts.TryDequeue(out var put), Is.True, "the resolver's value was written back");
        Assert.That(put!.Value.ToStringUtf8(), Is.EqualTo("red+blue"));
        Assert.That(put.Context, Is.EqualTo(Merged));
        Assert.That(resolved.ValueAsString(), Is.EqualTo("red+blue"));
        Assert.That(resolved.HasConflict, Is.False);
        Assert.That(resolved.Context.ToArray(), Is.EqualTo(FakeKeyValueBehavior.PutContext.ToByteArray()));
    }

    [Test]
    public async Task GetResolvedAsync_OptionsResolver_UsedWhenCallHasNone()
    {
        Behavior.GetReply = Conflict();
        var options = Server.ClientOptions();
        options.SiblingResolver = siblings => Concatenate(siblings);
        using var client = new PairDbClient(options);

        await client.GetResolvedAsync("t1", "k1");

        Assert.That(Behavior.Puts.TryDequeue(out var put), Is.True, "the options' resolver wrote back");
        Assert.That(put!.Value.ToStringUtf8(), Is.EqualTo("red+blue"));
    }

    [Test]
    public async Task GetResolvedAsync_ResolverReturnsNull_DeletesWithMergedContext()
    {
        Behavior.GetReply = Conflict();
        using var client = new PairDbClient(Server.ClientOptions());

        var resolved = await client.GetResolvedAsync("t1", "k1", _ => null);

        Assert.That(Behavior.Deletes.TryDequeue(out var delete), Is.True, "a delete was written back");
        Assert.That(delete!.Context, Is.EqualTo(Merged));
        Assert.That(resolved.Found, Is.False);
        Assert.That(Behavior.Calls("Put"), Is.Zero);
    }

    [Test]
    public async Task GetResolvedAsync_NoConflict_ReturnsReadWithoutWriting()
    {
        Behavior.GetReply = new GetReply { Siblings = { new WireSibling { Value = ByteString.CopyFromUtf8("only") } }, Context = Merged };
        using var client = new PairDbClient(Server.ClientOptions());

        var result = await client.GetResolvedAsync("t1", "k1", _ => throw new AssertionException("resolver called without a conflict"));

        Assert.That(result.ValueAsString(), Is.EqualTo("only"));
        Assert.That(Behavior.Calls("Put") + Behavior.Calls("Delete"), Is.Zero);
    }

    [Test]
    public void GetResolvedAsync_ConflictWithoutResolver_ThrowsNamingTheOption()
    {
        Behavior.GetReply = Conflict();
        using var client = new PairDbClient(Server.ClientOptions());

        Assert.That(() => client.GetResolvedAsync("t1", "k1"),
            Throws.InvalidOperationException.With.Message.Contains(nameof(PairDbClientOptions.SiblingResolver)));
        Assert.That(Behavior.Calls("Put"), Is.Zero);
    }

    [Test]
    public async Task ResolveAsync_EarlierRead_WritesWithItsContext()
    {
        Behavior.GetReply = Conflict();
        using var client = new PairDbClient(Server.ClientOptions());
        var read = await client.GetAsync("t1", "k1");

        var written = await client.ResolveAsync("t1", "k1"u8.ToArray(), read, _ => "chosen"u8.ToArray());

        Assert.That(Behavior.Puts.TryDequeue(out var put), Is.True, "the resolution was written");
        Assert.That(put!.Context, Is.EqualTo(Merged));
        Assert.That(put.Value.ToStringUtf8(), Is.EqualTo("chosen"));
        Assert.That(written.Context.ToArray(), Is.EqualTo(FakeKeyValueBehavior.PutContext.ToByteArray()));
    }

    [Test]
    public async Task BatchGetAsync_MixedItems_FoundNotFoundAndErrorInOrder()
    {
        Behavior.BatchGetReply = new BatchGetReply
        {
            Results =
            {
                new Contracts.Grpc.GetResult { Ok = Conflict() },
                new Contracts.Grpc.GetResult { Error = Contracts.Errors.RpcErrors.ToOperationError(Contracts.Errors.ErrorCode.KeyNotFound, "none") },
                new Contracts.Grpc.GetResult { Error = Contracts.Errors.RpcErrors.ToOperationError(Contracts.Errors.ErrorCode.InvalidTenantId, "bad") },
            },
        };
        using var client = new PairDbClient(Server.ClientOptions());

        var results = await client.BatchGetAsync([new GetItem("t1", "a"u8.ToArray()), new GetItem("t1", "b"u8.ToArray()), new GetItem("t 1", "c"u8.ToArray())]);

        Assert.That(results[0].Value.Siblings, Has.Count.EqualTo(3));
        Assert.That(results[1].Value.Found, Is.False);
        Assert.That(results[2].Error!.Code, Is.EqualTo(Contracts.Errors.ErrorCode.InvalidTenantId));
        Assert.That(results[2].Error!.Message, Does.StartWith("INVALID_TENANT_ID (1004)"));
    }

    [Test]
    public async Task BatchDeleteAsync_Items_SentWithTheirContexts()
    {
        using var client = new PairDbClient(Server.ClientOptions());

        var results = await client.BatchDeleteAsync([new DeleteItem("t1", "a"u8.ToArray(), Merged.ToByteArray()), new DeleteItem("t1", "b"u8.ToArray())]);

        Assert.That(results.All(r => r.Succeeded), Is.True);
        Assert.That(Behavior.Deletes.Select(d => d.Context.ToStringUtf8()), Is.EqualTo(new[] { "merged-context", "" }));
    }

    private static byte[] Concatenate(IReadOnlyList<Sibling> siblings) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join('+', siblings.Where(s => !s.IsTombstone).Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span))));
}
