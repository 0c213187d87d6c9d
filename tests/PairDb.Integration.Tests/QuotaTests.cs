using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Per-tenant quotas against real processes (issue 14): a tenant over its request rate gets the retriable
/// RATE_LIMITED (2007) with a retry-after while another tenant's concurrent requests all succeed; a tenant
/// at its stored-bytes quota gets QUOTA_EXCEEDED (1012) for puts, can still delete, writes again once under
/// it, and another tenant is unaffected.
/// </summary>
[NonParallelizable]
public sealed class QuotaTests
{
    private const string Noisy = "noisy";
    private const string Quiet = "quiet";

    [Test]
    public async Task Put_NoisyTenantOverItsRate_RateLimitedWithRetryAfterWhileAnotherTenantsRequestsAllSucceed()
    {
        // One request per second after a burst of 5: the noisy tenant's 200 requests would need over three
        // minutes to pass, so many are refused however slow the machine; the quiet tenant has the defaults.
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: new Dictionary<string, string>
        {
            [$"PairDb:Quotas:Tenants:{Noisy}:RequestsPerSecond"] = "1",
            [$"PairDb:Quotas:Tenants:{Noisy}:Burst"] = "5",
        });
        var noisyOutcomes = new ConcurrentDictionary<string, int>();
        var retryAfters = new ConcurrentBag<TimeSpan?>();
        var quietFailures = new ConcurrentBag<string>();

        var noisy = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var outcome = "ok";
                try
                {
                    await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Noisy, Key = Bytes($"n-{c}-{i}"), Value = Bytes("v") });
                }
                catch (RpcException e)
                {
                    outcome = ErrorCodes.Get(e.GetErrorCode()).Name;
                    retryAfters.Add(RpcErrors.TryGetRetryAfter(e));
                }
                noisyOutcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
            }
        }));
        var quiet = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                try
                {
                    await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Quiet, Key = Bytes($"q-{c}-{i}"), Value = Bytes("v") });
                }
                catch (RpcException e)
                {
                    quietFailures.Add($"q-{c}-{i}: {e.Status.Detail}");
                }
            }
        }));
        await Task.WhenAll(noisy.Concat(quiet));

        TestContext.Progress.WriteLine($"noisy outcomes: {string.Join(", ", noisyOutcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))}");
        Assert.That(quietFailures, Is.Empty, "every request of the tenant under its quota succeeds");
        Assert.That(noisyOutcomes.Keys, Is.SubsetOf(new[] { "ok", "RATE_LIMITED" }));
        Assert.That(noisyOutcomes.GetValueOrDefault("RATE_LIMITED"), Is.GreaterThan(0));
        Assert.That(noisyOutcomes.GetValueOrDefault("ok"), Is.GreaterThanOrEqualTo(5), "the burst passes");
        Assert.That(retryAfters, Has.All.Not.Null.And.All.GreaterThan(TimeSpan.Zero), "every refusal says when to retry");
        Assert.That(ErrorCodes.Get(ErrorCode.RateLimited).Retriable, Is.True);
        var metrics = await cluster.MetricsAsync();
        Assert.That(metrics, Does.Match($"tenant_rate_limited_total\\{{[^}}]*tenant=\"{Noisy}\""));
        Assert.That(metrics, Does.Not.Match($"tenant_rate_limited_total\\{{[^}}]*tenant=\"{Quiet}\""));
    }

    [Test]
    public async Task BatchPut_OverTheTenantsRate_ItemsRefusedOneByOneOthersWritten()
    {
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: new Dictionary<string, string>
        {
            [$"PairDb:Quotas:Tenants:{Noisy}:RequestsPerSecond"] = "1",
            [$"PairDb:Quotas:Tenants:{Noisy}:Burst"] = "5",
        });
        var batch = new BatchPutRequest();
        for (var i = 0; i < 40; i++)
        {
            batch.Items.Add(new PutRequest { TenantId = Noisy, Key = Bytes($"b-{i}"), Value = Bytes("v") });
        }

        var reply = await cluster.KeyValue.BatchPutAsync(batch);

        var ok = reply.Results.Count(r => r.ResultCase == PutResult.ResultOneofCase.Ok);
        var limited = reply.Results.Count(r => r.ResultCase == PutResult.ResultOneofCase.Error && r.Error.Code == (uint)ErrorCode.RateLimited);
        Assert.That(ok + limited, Is.EqualTo(40), "each item either written or RATE_LIMITED");
        Assert.That(ok, Is.GreaterThanOrEqualTo(5), "the burst's worth of items is written");
        Assert.That(limited, Is.GreaterThan(0), "each item counts against the rate");
    }

    [Test]
    public async Task Put_TenantAtItsStoredBytesQuota_QuotaExceededDeleteWorksOtherTenantUnaffected()
    {
        const int ValueBytes = 16 * 1024;
        const int Keys = 10;
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: new Dictionary<string, string>
        {
            // 64 KiB for the small tenant, 100 MB for every other: both under a quota, only one at it.
            ["PairDb:Quotas:Default:StoredBytes"] = "100000000",
            [$"PairDb:Quotas:Tenants:{Noisy}:StoredBytes"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:Quotas:StoredBytesRefreshInterval"] = "00:00:00.2",
        });
        var value = UnsafeByteOperations.UnsafeWrap(new byte[ValueBytes]);
        var contexts = new ByteString[Keys];
        Array.Fill(contexts, ByteString.Empty);

        // Overwrite 10 keys of 16 KiB (each put replacing the key's value) until the coordinator's view of the
        // tenant's 160 KiB reaches the quota: the data stays bounded however long the usage takes to arrive.
        RpcException? refused = null;
        await Eventually.WaitAsync(async () =>
        {
            for (var i = 0; i < Keys; i++)
            {
                try
                {
                    var reply = await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Noisy, Key = Bytes($"k-{i}"), Value = value, Context = contexts[i] });
                    contexts[i] = reply.Context;
                }
                catch (RpcException e) when (e.GetErrorCode() == ErrorCode.QuotaExceeded)
                {
                    refused = e;
                    return true;
                }
            }
            return false;
        }, "a put of the tenant at its stored-bytes quota to be refused", TimeSpan.FromSeconds(60));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(ErrorCodes.Get(ErrorCode.QuotaExceeded).Retriable, Is.False);
        Assert.That(await ErrorOfAsync(() => cluster.KeyValue.PutAsync(new PutRequest { TenantId = Noisy, Key = Bytes("new"), Value = Bytes("v") }).ResponseAsync),
            Is.EqualTo(ErrorCode.QuotaExceeded), "every growing write is refused while at the quota");
        await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Quiet, Key = Bytes("other"), Value = value });

        // Every key written so far, deleted with the context of its last put (which covers its one value).
        var written = Enumerable.Range(0, Keys).Where(i => !contexts[i].IsEmpty).ToList();
        Assert.That(written, Is.Not.Empty);
        foreach (var i in written)
        {
            await cluster.KeyValue.DeleteAsync(new DeleteRequest { TenantId = Noisy, Key = Bytes($"k-{i}"), Context = contexts[i] });
        }

        await Eventually.WaitAsync(async () =>
        {
            try
            {
                await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Noisy, Key = Bytes("after-delete"), Value = Bytes("v") });
                return true;
            }
            catch (RpcException e) when (e.GetErrorCode() == ErrorCode.QuotaExceeded)
            {
                return false;
            }
        }, "the tenant's puts to be accepted again once its deletes took it under the quota", TimeSpan.FromSeconds(60));
        var metrics = await cluster.MetricsAsync();
        Assert.That(metrics, Does.Match($"tenant_quota_exceeded_total\\{{[^}}]*tenant=\"{Noisy}\""));
        Assert.That(metrics, Does.Match($"tenant_stored_bytes(_bytes)?\\{{[^}}]*tenant=\"{Quiet}\""));
        Assert.That(metrics, Does.Not.Match($"tenant_quota_exceeded_total\\{{[^}}]*tenant=\"{Quiet}\""));
    }
}
