using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Issue 13, scenario 1: clients sending contexts the cluster never issued (counters 2^64-1, 2^64-2, and a real
/// read context pushed 1000 past every actor) get INVALID_VECTOR_CLOCK and change nothing, while another tenant's
/// writes through the same coordinator and nodes, coalesced into the same node batches, all succeed.
/// </summary>
[NonParallelizable]
public sealed class HostileContextTests
{
    private const string HostileTenant = "tenant-hostile";
    private const string PlainTenant = "tenant-plain";
    private const string TrustedClient = "hostile-but-trusted";
    private const int HostileClients = 4;
    private const int PlainPuts = 400;
    private const int MaxHostileCallsPerClient = 5_000;
    private TestCluster _cluster = null!;

    private KeyValueService.KeyValueServiceClient Kv => _cluster.KeyValue;

    /// <summary>
    /// Half the hostile clients are trusted: the coordinator skips the full context parse for them, so their
    /// contexts reach the storage nodes' batches, as in the report.
    /// </summary>
    [OneTimeSetUp]
    public async Task StartClusterAsync() => _cluster = await TestCluster.StartAsync(
        coordinatorSettings: new Dictionary<string, string> { ["PairDb:Coordinator:Validation:TrustedClients:0"] = TrustedClient });

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    private static ByteString Context(VersionVector real, Func<ulong, ulong> counter) =>
        ByteString.CopyFrom(VersionVectorFormat.ToArray(VersionVector.From(real.Entries.ToArray().Select(e => new Dot(e.NodeId, counter(e.Counter))))));

    private static CallOptions Call(Metadata? headers) => new(headers, DateTime.UtcNow.AddSeconds(10));

    [Test]
    public async Task HostileContexts_WhileAnotherTenantWrites_Hostile1005OthersAllSucceedKeyStaysUsable()
    {
        var key = Bytes("k-target");
        await Kv.PutAsync(new PutRequest { TenantId = HostileTenant, Key = key, Value = Bytes("v1") });
        var read = await Kv.GetAsync(new GetRequest { TenantId = HostileTenant, Key = key });
        var real = VersionVectorFormat.Parse(read.Context.Span);
        ByteString[] hostile =
        [
            Context(real, _ => ulong.MaxValue),
            Context(real, _ => ulong.MaxValue - 1),
            Context(real, c => c + 1000),
        ];

        var hostileResults = new ConcurrentQueue<(int Kind, ErrorCode? Code)>();
        var plainFailures = new ConcurrentQueue<string>();
        using var everyHostileClientStarted = new CountdownEvent(HostileClients);
        using var plainDone = new CancellationTokenSource();
        var storm = Enumerable.Range(0, HostileClients).Select(client => Task.Run(async () =>
        {
            var headers = client % 2 == 0 ? new Metadata { { "x-pairdb-client-id", TrustedClient } } : null;
            for (var i = 0; i < MaxHostileCallsPerClient && !plainDone.IsCancellationRequested; i++)
            {
                // Puts with each hostile context in turn, and a delete with the one past every actor.
                var kind = i % (hostile.Length + 1);
                try
                {
                    if (kind < hostile.Length)
                    {
                        await Kv.PutAsync(new PutRequest { TenantId = HostileTenant, Key = key, Value = Bytes("evil"), Context = hostile[kind] }, Call(headers));
                    }
                    else
                    {
                        await Kv.DeleteAsync(new DeleteRequest { TenantId = HostileTenant, Key = key, Context = hostile[2] }, Call(headers));
                    }

                    hostileResults.Enqueue((kind, null));
                }
                catch (RpcException e)
                {
                    hostileResults.Enqueue((kind, e.GetErrorCode()));
                }

                if (i == hostile.Length)
                {
                    everyHostileClientStarted.Signal();
                }
            }
        })).ToArray();

        Assert.That(everyHostileClientStarted.Wait(TimeSpan.FromSeconds(30)), Is.True, "every hostile client to have sent each kind of hostile request once");
        await Parallel.ForEachAsync(Enumerable.Range(0, PlainPuts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            try
            {
                await Kv.PutAsync(new PutRequest { TenantId = PlainTenant, Key = Bytes("plain-" + i), Value = Bytes("value-" + i) }, Call(null));
            }
            catch (RpcException e)
            {
                plainFailures.Enqueue($"plain-{i}: {e.GetErrorCode()} {e.Status.Detail}");
            }
        });
        plainDone.Cancel();
        await Task.WhenAll(storm);

        var after = await Kv.GetAsync(new GetRequest { TenantId = HostileTenant, Key = key });
        var resolved = await Kv.PutAsync(new PutRequest { TenantId = HostileTenant, Key = key, Value = Bytes("v2"), Context = after.Context });
        var final = await Kv.GetAsync(new GetRequest { TenantId = HostileTenant, Key = key });
        var plainSample = await Kv.GetAsync(new GetRequest { TenantId = PlainTenant, Key = Bytes("plain-399") });

        TestContext.Out.WriteLine($"hostile requests: {hostileResults.Count}; plain puts: {PlainPuts}, failed: {plainFailures.Count}");
        Assert.Multiple(() =>
        {
            Assert.That(plainFailures, Is.Empty, "every plain put of the other tenant succeeds");
            Assert.That(plainSample.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo("value-399"));
            Assert.That(hostileResults.Select(r => r.Code), Is.All.EqualTo(ErrorCode.InvalidVectorClock),
                "every hostile request gets INVALID_VECTOR_CLOCK: " + string.Join(", ", hostileResults.Where(r => r.Code != ErrorCode.InvalidVectorClock).Take(5)));
            Assert.That(Enumerable.Range(0, hostile.Length + 1).Select(kind => hostileResults.Count(r => r.Kind == kind)), Has.All.GreaterThanOrEqualTo(HostileClients),
                "each kind of hostile request was sent by every hostile client");
            Assert.That(after.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "v1" }), "the hostile requests stored nothing");
            Assert.That(after.Context, Is.EqualTo(read.Context), "nor advanced any counter");
            Assert.That(final.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "v2" }), "a write with a real context still resolves the key");
            Assert.That(final.Context, Is.EqualTo(resolved.Context));
        });
    }
}
