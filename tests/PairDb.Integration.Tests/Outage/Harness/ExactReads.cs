using System.Collections.Concurrent;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>
/// Reads acknowledged puts back and requires the acknowledged value and nothing else (see Judge).
/// Through the coordinator at R=2 (a retriable error gets one more try: the claim is that the data is
/// readable, not that one request on a loaded machine never times out), or from one replica directly.
/// </summary>
internal static class ExactReads
{
    private const int Concurrency = 8;

    public static async Task AssertReadableAsync(KeyValueService.KeyValueServiceClient kv, IReadOnlyList<AckedPut> writes, string when)
    {
        var problems = await CheckAllAsync(writes, write => ThroughCoordinatorAsync(kv, write));
        Assert.That(problems, Is.Empty,
            $"each of the {writes.Count} acknowledged puts reads back at R=2 as its value {when}; first problems: {string.Join("; ", problems.Take(10))}");
    }

    public static async Task AssertHeldByAsync(ClusterNode replica, IReadOnlyList<AckedPut> writes, string when)
    {
        var problems = await CheckAllAsync(writes, async write => Judge(write, (await replica.ReadLocalAsync(TestCluster.Tenant, write.Key)).Siblings.Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span))));
        Assert.That(problems, Is.Empty,
            $"{replica.NodeId} itself holds each of the {writes.Count} acknowledged puts as its value {when}; first problems: {string.Join("; ", problems.Take(10))}");
    }

    private static async Task<List<string>> CheckAllAsync(IReadOnlyList<AckedPut> writes, Func<AckedPut, Task<string?>> check)
    {
        var problems = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (write, _) =>
        {
            if (await check(write) is { } problem)
            {
                problems.Enqueue(problem);
            }
        });
        return [.. problems];
    }

    private static async Task<string?> ThroughCoordinatorAsync(KeyValueService.KeyValueServiceClient kv, AckedPut write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var reply = await kv.GetAsync(new GetRequest { TenantId = TestCluster.Tenant, Key = Rpc.Bytes(write.Key), R = 2 },
                    deadline: DateTime.UtcNow.AddSeconds(10));
                return Judge(write, reply.Siblings.Select(s => s.Value.ToStringUtf8()));
            }
            catch (RpcException e)
            {
                var code = e.GetErrorCode();
                var retriable = code is ErrorCode.Timeout or ErrorCode.NodeNotReady or ErrorCode.QuorumNotMet
                    || e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;
                if (!retriable || attempt >= 1)
                {
                    return $"{write.Key}: {code} ({e.StatusCode}) {e.Status.Detail}";
                }
            }
        }
    }

    /// <summary>
    /// The acknowledged value and nothing else (<see cref="ExactRead"/>); repeated dots of it are accepted: a blind put
    /// whose coordinating replica is killed mid-call may have been applied there and is coordinated again by the next.
    /// </summary>
    private static string? Judge(AckedPut write, IEnumerable<string> siblings) =>
        ExactRead.Problem(write.Key, siblings, write.Value, RepeatedDots.Accepted);
}
