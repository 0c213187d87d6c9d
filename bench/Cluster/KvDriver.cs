using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Bench.Load;

namespace PairDb.Bench.Cluster;

/// <summary>
/// Runs YCSB-style phases against a coordinator's KeyValueService with N concurrent workers.
/// Updates carry the latest context this driver saw for the key (from its last read or write of
/// it), as a Dynamo client should: blind overwrites of hot Zipfian keys would keep piling up
/// siblings, which is a client bug, not a workload.
/// </summary>
public sealed class KvDriver : IDisposable
{
    public const string DefaultTenant = "bench";
    private const int Channels = 4;
    private readonly string _tenant;
    private readonly GrpcChannel[] _channels;
    private readonly KeyValueService.KeyValueServiceClient[] _clients;
    private readonly ConcurrentDictionary<long, ByteString> _contexts = new();
    private readonly ClusterBenchOptions _options;
    private long _sequence;

    public KvDriver(string target, ClusterBenchOptions options, string tenant = DefaultTenant)
    {
        _options = options;
        _tenant = tenant;
        _channels = new GrpcChannel[Channels];
        _clients = new KeyValueService.KeyValueServiceClient[Channels];
        for (var i = 0; i < Channels; i++)
        {
            _channels[i] = GrpcChannel.ForAddress("http://" + target, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            });
            _clients[i] = new KeyValueService.KeyValueServiceClient(_channels[i]);
        }
    }

    /// <summary>Inserts every record once.</summary>
    public Task<PhaseResult> LoadAsync(int threads) =>
        RunAsync("load", threads, _options.Records, readProportion: 0, sequential: true);

    /// <summary>Runs <paramref name="operations"/> operations, <paramref name="readProportion"/> of them reads, on Zipfian keys.</summary>
    public Task<PhaseResult> RunWorkloadAsync(string name, int threads, int operations, double readProportion) =>
        RunAsync(name, threads, operations, readProportion, sequential: false);

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private async Task<PhaseResult> RunAsync(string name, int threads, int operations, double readProportion, bool sequential)
    {
        var zeta = sequential ? 0 : ZipfianGenerator.Zeta(_options.Records, ZipfianGenerator.YcsbTheta);
        var next = -1L;
        var stats = new OperationStats[threads];
        var clock = Stopwatch.StartNew();
        var workers = new Task[threads];
        for (var t = 0; t < threads; t++)
        {
            var worker = t;
            stats[worker] = new OperationStats();
            workers[worker] = Task.Run(async () =>
            {
                var zipf = sequential ? null : new ZipfianGenerator(_options.Records, ZipfianGenerator.YcsbTheta, zeta, _options.Seed + worker);
                var random = new Random(_options.Seed * 31 + worker);
                var client = _clients[worker % Channels];
                var mine = stats[worker];
                long i;
                while ((i = Interlocked.Increment(ref next)) < operations)
                {
                    var record = zipf?.NextScrambled() ?? i;
                    if (!sequential && random.NextDouble() < readProportion)
                    {
                        await ReadAsync(client, record, mine);
                    }
                    else
                    {
                        await UpdateAsync(client, record, mine);
                    }
                }
            });
        }
        await Task.WhenAll(workers);
        clock.Stop();
        var total = new OperationStats();
        foreach (var s in stats)
        {
            total.Add(s);
        }
        return new PhaseResult(name, threads, operations, clock.Elapsed, total);
    }

    private async Task ReadAsync(KeyValueService.KeyValueServiceClient client, long record, OperationStats stats)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await client.GetAsync(new GetRequest { TenantId = _tenant, Key = UnsafeByteOperations.UnsafeWrap(KeyMaker.Key(record)) });
            stats.Reads.Record(Stopwatch.GetTimestamp() - started);
            _contexts[record] = reply.Context;
        }
        catch (RpcException e) when (e.GetErrorCode() == ErrorCode.KeyNotFound)
        {
            stats.Reads.Record(Stopwatch.GetTimestamp() - started);
            stats.NotFound++;
        }
        catch (RpcException e)
        {
            stats.ReadErrors++;
            stats.FirstError ??= $"read: {e.Status.StatusCode} {e.Status.Detail}";
        }
    }

    private async Task UpdateAsync(KeyValueService.KeyValueServiceClient client, long record, OperationStats stats)
    {
        var request = new PutRequest
        {
            TenantId = _tenant,
            Key = UnsafeByteOperations.UnsafeWrap(KeyMaker.Key(record)),
            Value = UnsafeByteOperations.UnsafeWrap(KeyMaker.Value(Interlocked.Increment(ref _sequence), _options.ValueSize)),
            Context = _contexts.TryGetValue(record, out var context) ? context : ByteString.Empty,
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await client.PutAsync(request);
            stats.Updates.Record(Stopwatch.GetTimestamp() - started);
            _contexts[record] = reply.Context;
        }
        catch (RpcException e)
        {
            stats.UpdateErrors++;
            stats.FirstError ??= $"update: {e.Status.StatusCode} {e.Status.Detail}";
        }
    }
}

/// <summary>What one phase did.</summary>
public sealed record PhaseResult(string Name, int Threads, int Operations, TimeSpan Elapsed, OperationStats Stats);
