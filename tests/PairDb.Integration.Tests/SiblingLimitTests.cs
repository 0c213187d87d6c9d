using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;
using PairDb.Testing;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Sibling and object limits, the per-tenant last-writer-wins mode and the read histograms, through a
/// real coordinator over three real storage nodes. Limits are scaled down (values up to 256 KiB, objects
/// up to 1 MiB, 5 siblings) so the "six blind 1 MiB puts" scenario runs in a second.
/// </summary>
[NonParallelizable]
public sealed class SiblingLimitTests
{
    private const string Tenant = TestCluster.Tenant;
    private const string LwwTenant = "lww-tenant";
    private const int MaxValueBytes = 256 * 1024;
    private const int MaxObjectBytes = 1024 * 1024;
    private const int MaxSiblings = 5;
    private static readonly Metadata TrustedHeader = new() { { "x-pairdb-client-id", ClusterNode.CoordinatorClientId } };
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private TestCluster _cluster = null!;

    private KeyValueService.KeyValueServiceClient Kv => _cluster.KeyValue;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        var nodeSettings = Limits("PairDb:StorageNode:Validation");
        _cluster = await TestCluster.StartAsync(
            nodeSettings: new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = nodeSettings, [1] = nodeSettings, [2] = nodeSettings },
            coordinatorSettings: new Dictionary<string, string>(Limits("PairDb:Coordinator:Validation"))
            {
                ["PairDb:Tenants:ConflictModes:" + LwwTenant] = "LastWriterWins",
            });
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task Put_BlindBigValuesPastObjectLimit_ObjectTooLargeKeyStaysReadableAndResolvable()
    {
        var key = Bytes("big");
        var written = new List<ByteString>();
        for (var i = 0; i < 4; i++)
        {
            written.Add(Filled(250_000, (byte)i));
            await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = written[i], Consistency = Consistency.All });
        }

        var refused = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Filled(250_000, 9), Consistency = Consistency.All }).ResponseAsync);
        var read = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        var resolved = await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("resolved"), Context = read.Context, Consistency = Consistency.All });
        var after = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        var rejections = await NodeRejectionsAsync("object_size");

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(ErrorCode.ObjectTooLarge), "a clear 1008, not QUORUM_NOT_MET or TIMEOUT");
            Assert.That(rejections, Is.EqualTo(1), "refused once, by the coordinating replica: not tried on the others");
            Assert.That(read.Siblings.Select(s => s.Value), Is.EquivalentTo(written), "every accepted sibling, and nothing of the refused write");
            Assert.That(after.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "resolved" }));
            Assert.That(after.Context, Is.EqualTo(resolved.Context));
        });
    }

    [Test]
    public async Task Put_BlindPastMaxSiblings_TooManySiblingsThenResolvingWriteSucceeds()
    {
        var key = Bytes("many");
        for (var i = 0; i < MaxSiblings; i++)
        {
            await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("v" + i), Consistency = Consistency.All });
        }

        var refused = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("one too many") }).ResponseAsync);
        var blindDelete = await ErrorOfAsync(() => Kv.DeleteAsync(new DeleteRequest { TenantId = Tenant, Key = key }).ResponseAsync);
        var read = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("resolved"), Context = read.Context });
        var after = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        var rejections = await NodeRejectionsAsync("siblings");

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(ErrorCode.TooManySiblings));
            Assert.That(rejections, Is.EqualTo(2), "the put and the delete, each refused once");
            Assert.That(blindDelete, Is.EqualTo(ErrorCode.TooManySiblings));
            Assert.That(read.Siblings, Has.Count.EqualTo(MaxSiblings));
            Assert.That(after.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "resolved" }));
        });
    }

    [Test]
    public async Task Put_LastWriterWinsTenantSequential_LatestWriteWinsWhateverTheContext()
    {
        var key = Bytes("lww-sequential");
        var first = await Kv.PutAsync(new PutRequest { TenantId = LwwTenant, Key = key, Value = Bytes("first") });
        await Kv.PutAsync(new PutRequest { TenantId = LwwTenant, Key = key, Value = Bytes("second") });
        var afterSecond = await Kv.GetAsync(new GetRequest { TenantId = LwwTenant, Key = key, Consistency = Consistency.All });
        await Kv.PutAsync(new PutRequest { TenantId = LwwTenant, Key = key, Value = Bytes("third"), Context = first.Context });
        var afterThird = await Kv.GetAsync(new GetRequest { TenantId = LwwTenant, Key = key, Consistency = Consistency.All });
        await Kv.DeleteAsync(new DeleteRequest { TenantId = LwwTenant, Key = key });
        var afterDelete = await ErrorOfAsync(() => Kv.GetAsync(new GetRequest { TenantId = LwwTenant, Key = key, Consistency = Consistency.All }).ResponseAsync);

        Assert.Multiple(() =>
        {
            Assert.That(afterSecond.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "second" }), "a blind write replaces");
            Assert.That(afterThird.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "third" }), "a write with a stale context replaces too");
            Assert.That(afterDelete, Is.EqualTo(ErrorCode.KeyNotFound));
        });
    }

    [Test]
    public async Task Put_LastWriterWinsTenantConcurrentBlindWrites_NeverMoreThanOneSibling()
    {
        var key = Bytes("lww-concurrent");
        var values = Enumerable.Range(0, 24).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var reads = new List<int>();
        var writes = values.Select(v => Kv.PutAsync(new PutRequest { TenantId = LwwTenant, Key = key, Value = Bytes(v) }).ResponseAsync).ToArray();
        while (writes.Any(w => !w.IsCompleted))
        {
            reads.Add(await SiblingCountAsync(LwwTenant, key));
        }
        await Task.WhenAll(writes);
        var final = await Kv.GetAsync(new GetRequest { TenantId = LwwTenant, Key = key, Consistency = Consistency.All });

        Assert.That(reads, Is.All.LessThanOrEqualTo(1), "sibling counts seen while the writes ran");
        Assert.That(final.Siblings, Has.Count.EqualTo(1));
        Assert.That(values, Does.Contain(final.Siblings[0].Value.ToStringUtf8()));
    }

    [Test]
    public async Task Get_LastWriterWinsTenantTwoReplicasCoordinatedAtOnce_OnlyTheLaterStampedWriteReturned()
    {
        // Two replicas each coordinate a write the other has not seen (as under a partition): their sets
        // meet as two siblings on the read, and the coordinator answers with the later stamped one.
        const string key = "lww-race";
        var earlier = await CoordinateOnAsync(_cluster.Nodes[2], LwwTenant, key, "earlier");
        var stamp = earlier.Siblings.Single().WrittenAtUnixMs;
        await WaitFor.ConditionAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > stamp, "the clock to pass the first write's stamp", Timeout);
        var later = await CoordinateOnAsync(_cluster.Nodes[0], LwwTenant, key, "later");

        var read = await Kv.GetAsync(new GetRequest { TenantId = LwwTenant, Key = Bytes(key), Consistency = Consistency.All });

        Assert.Multiple(() =>
        {
            Assert.That(later.Siblings.Single().WrittenAtUnixMs, Is.GreaterThan(stamp));
            Assert.That(read.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "later" }));
            var context = VersionVectorFormat.Parse(read.Context.Span);
            Assert.That(context.Covers(earlier.Siblings[0].Dot) && context.Covers(later.Siblings[0].Dot), Is.True,
                "the context covers the losing sibling too, so a write back replaces both");
        });
    }

    [Test]
    public async Task Get_SiblingsTenant_SiblingsAndObjectSizeHistogramsOnCoordinatorMetrics()
    {
        var key = Bytes("histogram");
        for (var i = 0; i < 3; i++)
        {
            await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("h" + i), Consistency = Consistency.All });
        }
        var before = await _cluster.MetricsAsync();

        await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });

        var siblingsBefore = PrometheusText.Sum(before, "read_siblings_sum");
        var readsBefore = PrometheusText.Sum(before, "read_siblings_count");
        var after = await WaitFor.ValueAsync(_cluster.MetricsAsync, text => PrometheusText.Sum(text, "read_siblings_count") > readsBefore,
            "the coordinator's /metrics to count the read", Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(PrometheusText.Sum(after, "read_siblings_count"), Is.EqualTo(readsBefore + 1));
            Assert.That(PrometheusText.Sum(after, "read_siblings_sum"), Is.EqualTo(siblingsBefore + 3), "three siblings returned");
            Assert.That(after, Does.Match("read_siblings_bucket\\{([^}]*,)?le=\"3(\\.0)?\"\\}"), "buckets by sibling count");
            Assert.That(PrometheusText.Sum(after, "read_object_size_bytes_count"), Is.EqualTo(PrometheusText.Sum(before, "read_object_size_bytes_count") + 1));
        });
    }

    private static Dictionary<string, string> Limits(string section) => new()
    {
        [section + ":MaxValueBytes"] = MaxValueBytes.ToString(CultureInfo.InvariantCulture),
        [section + ":MaxObjectBytes"] = MaxObjectBytes.ToString(CultureInfo.InvariantCulture),
        [section + ":WarnObjectBytes"] = (MaxObjectBytes / 2).ToString(CultureInfo.InvariantCulture),
        [section + ":MaxSiblings"] = MaxSiblings.ToString(CultureInfo.InvariantCulture),
        [section + ":WarnSiblings"] = "3",
    };

    /// <summary>sibling_limit_rejections_total of one reason, summed over the storage nodes' /metrics.</summary>
    private async Task<double> NodeRejectionsAsync(string reason)
    {
        using var http = new HttpClient();
        double total = 0;
        foreach (var node in _cluster.Nodes)
        {
            var text = await http.GetStringAsync($"http://127.0.0.1:{node.HttpPort}/metrics");
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("sibling_limit_rejections_total{", StringComparison.Ordinal) && line.Contains($"reason=\"{reason}\"", StringComparison.Ordinal))
                {
                    total += double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        return total;
    }

    private static ByteString Filled(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return ByteString.CopyFrom(bytes);
    }

    private async Task<int> SiblingCountAsync(string tenant, ByteString key)
    {
        try
        {
            return (await Kv.GetAsync(new GetRequest { TenantId = tenant, Key = key })).Siblings.Count;
        }
        catch (RpcException e) when (e.GetErrorCode() == ErrorCode.KeyNotFound)
        {
            return 0;
        }
    }

    /// <summary>A last-writer-wins write coordinated by one node alone, not replicated: what a coordinator cut off from the others would leave.</summary>
    private static async Task<SiblingSet> CoordinateOnAsync(ClusterNode node, string tenant, string key, string value)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{node.GrpcPort}");
        var reply = await new StorageService.StorageServiceClient(channel).CoordinatedWriteAsync(new CoordinatedWriteRequest
        {
            TenantId = tenant, Key = Bytes(key), Value = Bytes(value), ConflictMode = ConflictMode.LastWriterWins,
        }, TrustedHeader);
        return SiblingSetFormat.Parse(reply.Versions.Span);
    }
}
