using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Bench.Load;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Cluster;

/// <summary>
/// <c>pairdb bench cluster --noisy-tenant R</c> (issue 14): does one tenant at its quota change another's latency?
/// Tenant <c>bench</c> loads its records and runs workload A (50/50) alone, then the same workload again while
/// tenant <c>noisy</c>, whose request-rate quota is R, sends puts from <see cref="ClusterBenchOptions.NoisyThreads"/>
/// closed-loop workers as fast as answers come back, retrying at once on RATE_LIMITED (a client that ignores the
/// retry-after: the worst case). Prints bench's p50/p99 both ways and the with/solo ratio.
/// </summary>
public sealed class NoisyTenantBenchmark(ClusterBenchOptions options, TextWriter output)
{
    public const string NoisyTenant = "noisy";

    public async Task<int> RunAsync()
    {
        var rate = options.NoisyTenantRate!.Value;
        ScratchCluster? cluster = null;
        try
        {
            if (options.Target is null)
            {
                cluster = await ScratchCluster.StartAsync(output, Path.GetTempPath(), spareNodes: 0,
                    [$"--PairDb:Quotas:Tenants:{NoisyTenant}:RequestsPerSecond={rate.ToString(CultureInfo.InvariantCulture)}"]);
            }
            var target = options.Target ?? cluster!.Target;
            output.WriteLine($"target {target}: tenant {KvDriver.Tenant} records {options.Records}, ops {options.Operations} per phase, threads {options.Threads}; " +
                $"tenant {NoisyTenant} quota {rate} requests/s, {options.NoisyThreads} workers; {Environment.ProcessorCount} cores");
            using var driver = new KvDriver(new Uri("http://" + target), options);
            await driver.RunWorkloadAsync("warmup", options.Threads, Math.Min(20_000, options.Operations), 0.5);
            await driver.LoadAsync(options.Threads);

            var solo = await driver.RunWorkloadAsync("solo", options.Threads, options.Operations, 0.5);
            using var stop = new CancellationTokenSource();
            var noisy = HammerAsync(target, stop.Token);
            var withNoisy = await driver.RunWorkloadAsync("with noisy", options.Threads, options.Operations, 0.5);
            await stop.CancelAsync();
            var (ok, limited, other, elapsed) = await noisy;

            var soloLatency = Merged(solo);
            var noisyLatency = Merged(withNoisy);
            Print("solo", solo, soloLatency);
            Print("with noisy", withNoisy, noisyLatency);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"noisy tenant: {ok:N0} ok ({ok / elapsed.TotalSeconds:N0}/s, quota {rate}/s), {limited:N0} RATE_LIMITED ({limited / elapsed.TotalSeconds:N0}/s), {other:N0} other errors"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio with/solo {KvDriver.Tenant}: p50 {Ms(noisyLatency, 50) / Ms(soloLatency, 50):0.00}x  p99 {Ms(noisyLatency, 99) / Ms(soloLatency, 99):0.00}x"));
            return solo.Stats.ReadErrors + solo.Stats.UpdateErrors + withNoisy.Stats.ReadErrors + withNoisy.Stats.UpdateErrors == 0 ? 0 : 1;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>The noisy tenant's workers until <paramref name="stop"/>: counts of accepted, rate-limited and other outcomes.</summary>
    private async Task<(long Ok, long Limited, long Other, TimeSpan Elapsed)> HammerAsync(string target, CancellationToken stop)
    {
        using var channel = GrpcChannel.ForAddress("http://" + target);
        var client = new KeyValueService.KeyValueServiceClient(channel);
        long ok = 0, limited = 0, other = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.NoisyThreads).Select(w => Task.Run(async () =>
        {
            var value = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(new byte[options.ValueSize]);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await client.PutAsync(new PutRequest
                    {
                        TenantId = NoisyTenant,
                        Key = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(KeyMaker.Key(w * 1_000_000L + i % 1000)),
                        Value = value,
                    }, cancellationToken: CancellationToken.None);
                    Interlocked.Increment(ref ok);
                }
                catch (RpcException e) when (e.GetErrorCode() == ErrorCode.RateLimited)
                {
                    Interlocked.Increment(ref limited);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (ok, limited, other, clock.Elapsed);
    }

    private static LatencyHistogram Merged(PhaseResult phase)
    {
        var all = new LatencyHistogram();
        all.Add(phase.Stats.Reads);
        all.Add(phase.Stats.Updates);
        return all;
    }

    private void Print(string name, PhaseResult phase, LatencyHistogram latency) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{KvDriver.Tenant} {name,-10} {latency.Count,8:N0} ops {latency.Count / phase.Elapsed.TotalSeconds,9:N0} ops/s  p50 {Ms(latency, 50),7:0.000} ms  p99 {Ms(latency, 99),7:0.000} ms  errors {phase.Stats.ReadErrors + phase.Stats.UpdateErrors}"));

    private static double Ms(LatencyHistogram latency, double percentile) => latency.PercentileMicros(percentile) / 1000;
}
