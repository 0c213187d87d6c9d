using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// Writes fresh keys through the coordinator at W=2 and records every acknowledged one in an
/// <see cref="AcknowledgedWrites"/>. <see cref="SeedAsync"/> loads a data set as fast as it can;
/// <see cref="Start"/> runs a paced background load until <see cref="StopAsync"/>.
/// A failed write is not acknowledged and not counted against the cluster: a client would retry it.
/// </summary>
internal sealed class LoadWriter : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private readonly KeyValueService.KeyValueServiceClient _kv;
    private readonly AcknowledgedWrites _ledger;
    private readonly string _prefix;
    private readonly int _valueBytes;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _next;
    private int _failed;
    private int _acknowledged;

    public LoadWriter(KeyValueService.KeyValueServiceClient kv, AcknowledgedWrites ledger, string prefix, int valueBytes = 512)
    {
        _kv = kv;
        _ledger = ledger;
        _prefix = prefix;
        _valueBytes = valueBytes;
    }

    public int Acknowledged => Volatile.Read(ref _acknowledged);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Writes <paramref name="count"/> keys in BatchPut calls of <paramref name="batch"/> items,
    /// <paramref name="concurrency"/> calls at a time; fails the test if any item is refused.
    /// </summary>
    /// <summary>A new ledger holding <paramref name="count"/> seeded, acknowledged keys ("seed-*").</summary>
    public static async Task<AcknowledgedWrites> SeedNewAsync(KeyValueService.KeyValueServiceClient kv, int count, int valueBytes)
    {
        var ledger = new AcknowledgedWrites();
        await using var seed = new LoadWriter(kv, ledger, "seed", valueBytes);
        await seed.SeedAsync(count);
        return ledger;
    }

    /// <summary>The live writer of the tests: 256-byte values ("live-*"), already running at <paramref name="perSecond"/>.</summary>
    public static LoadWriter StartLive(KeyValueService.KeyValueServiceClient kv, AcknowledgedWrites ledger, int perSecond = 100)
    {
        var writer = new LoadWriter(kv, ledger, "live", valueBytes: 256);
        writer.Start(perSecond);
        return writer;
    }

    public async Task SeedAsync(int count, int batch = 50, int concurrency = 4)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var batches = new List<int>();
        for (var done = 0; done < count; done += batch)
        {
            batches.Add(Math.Min(batch, count - done));
        }
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (size, _) =>
        {
            var request = new BatchPutRequest();
            for (var i = 0; i < size; i++)
            {
                var key = NextKey();
                request.Items.Add(new PutRequest { TenantId = TopologyCluster.Tenant, Key = Rpc.Bytes(key), Value = Rpc.Bytes(ValueFor(key, _valueBytes)), W = 2 });
            }
            var reply = await _kv.BatchPutAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
            for (var i = 0; i < size; i++)
            {
                var key = request.Items[i].Key.ToStringUtf8();
                if (reply.Results[i].ResultCase == PutResult.ResultOneofCase.Ok)
                {
                    _ledger.Record(key, request.Items[i].Value.ToStringUtf8(), reply.Results[i].Ok.Context);
                    Interlocked.Increment(ref _acknowledged);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        });
        await TestContext.Progress.WriteLineAsync($"seeded {count} keys of {_valueBytes} bytes in {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.That(Failed, Is.Zero, $"every seed write of {_prefix} is acknowledged by a healthy cluster");
    }

    /// <summary>Starts writing about <paramref name="perSecond"/> keys a second in the background.</summary>
    public void Start(int perSecond = 200)
    {
        var perTick = Math.Max(1, (int)(perSecond * Tick.TotalSeconds));
        _loop = Task.Run(async () =>
        {
            using var ticks = new PeriodicTimer(Tick);
            var batch = new Task[perTick];
            while (!_stop.IsCancellationRequested)
            {
                for (var i = 0; i < perTick; i++)
                {
                    batch[i] = WriteOneAsync();
                }
                await Task.WhenAll(batch);
                try
                {
                    await ticks.WaitForNextTickAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    /// <summary>Waits until the background load has acknowledged <paramref name="count"/> more writes than now.</summary>
    public async Task WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = Acknowledged + count;
        await Until.DoneAsync(() => Task.FromResult((Acknowledged >= target, $"{Acknowledged} acknowledged, {Failed} failed")),
            $"the background writer to acknowledge {count} more writes", timeout);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    public static string ValueFor(string key, int bytes)
    {
        var head = key + ":";
        return bytes <= head.Length ? head : head + new string((char)('a' + (key.Length % 26)), bytes - head.Length);
    }

    private string NextKey() => $"{_prefix}-{Interlocked.Increment(ref _next):D6}";

    private async Task WriteOneAsync()
    {
        var key = NextKey();
        var value = ValueFor(key, _valueBytes);
        try
        {
            var reply = await _kv.PutAsync(
                new PutRequest { TenantId = TopologyCluster.Tenant, Key = Rpc.Bytes(key), Value = Rpc.Bytes(value), W = 2 },
                deadline: DateTime.UtcNow.AddSeconds(10));
            _ledger.Record(key, value, reply.Context);
            Interlocked.Increment(ref _acknowledged);
        }
        catch (RpcException)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
