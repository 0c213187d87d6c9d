using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using PairDb.Bench.Cluster;
using PairDb.Bench.Load;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Outage;

/// <summary>
/// N clients, each sending its next operation when the last one answered: a W=2 put of a fresh key, or a
/// quorum get of a key already acknowledged (so a get that finds nothing is a lost write, counted apart).
/// Each key is written once, so no client juggles contexts or siblings. <see cref="EndPhase"/> hands over
/// what was measured since the previous call; recording takes a lock, cheap next to a network round trip.
/// </summary>
public sealed class ClosedLoopLoad : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly KeyValueService.KeyValueServiceClient[] _clients;
    private readonly OutageBenchOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<long> _acknowledged = [];
    private readonly Task[] _workers;
    private Stopwatch _phaseClock = Stopwatch.StartNew();
    private LatencyHistogram _puts = new();
    private LatencyHistogram _gets = new();
    private Dictionary<string, long> _failures = new(StringComparer.Ordinal);
    private long _lostReads;
    private long _sequence;

    public ClosedLoopLoad(ChannelPool pool, OutageBenchOptions options)
    {
        _options = options;
        _clients = pool.Clients(c => new KeyValueService.KeyValueServiceClient(c));
        _workers = new Task[options.Threads];
        for (var i = 0; i < _workers.Length; i++)
        {
            var worker = i;
            _workers[i] = Task.Run(() => WorkerAsync(worker));
        }
    }

    public OutagePhase EndPhase(string name)
    {
        lock (_lock)
        {
            var phase = new OutagePhase(name, _phaseClock.Elapsed, _puts, _gets, _failures, _lostReads);
            (_phaseClock, _puts, _gets, _failures, _lostReads) = (Stopwatch.StartNew(), new LatencyHistogram(), new LatencyHistogram(), new Dictionary<string, long>(StringComparer.Ordinal), 0);
            return phase;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }

    private async Task WorkerAsync(int worker)
    {
        var client = _clients[worker % _clients.Length];
        var random = new Random(worker);
        while (!_stop.IsCancellationRequested)
        {
            var key = PickKeyToRead(random);
            if (key is { } existing && random.Next(100) < _options.ReadPercent)
            {
                await GetAsync(client, existing);
            }
            else
            {
                await PutAsync(client, Interlocked.Increment(ref _sequence));
            }
        }
    }

    private long? PickKeyToRead(Random random)
    {
        lock (_lock)
        {
            return _acknowledged.Count == 0 ? null : _acknowledged[random.Next(_acknowledged.Count)];
        }
    }

    private async Task PutAsync(KeyValueService.KeyValueServiceClient client, long record)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.PutAsync(new PutRequest
            {
                TenantId = KvDriver.Tenant,
                Key = UnsafeByteOperations.UnsafeWrap(KeyMaker.Key(record)),
                Value = UnsafeByteOperations.UnsafeWrap(KeyMaker.Value(record, _options.ValueSize)),
                W = 2,
            }, deadline: DateTime.UtcNow.Add(Deadline));
            lock (_lock)
            {
                _puts.Record(Stopwatch.GetTimestamp() - started);
                _acknowledged.Add(record);
            }
        }
        catch (RpcException e)
        {
            Fail("put", e);
        }
    }

    private async Task GetAsync(KeyValueService.KeyValueServiceClient client, long record)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.GetAsync(new GetRequest { TenantId = KvDriver.Tenant, Key = UnsafeByteOperations.UnsafeWrap(KeyMaker.Key(record)) },
                deadline: DateTime.UtcNow.Add(Deadline));
            lock (_lock)
            {
                _gets.Record(Stopwatch.GetTimestamp() - started);
            }
        }
        catch (RpcException e) when (e.GetErrorCode() == ErrorCode.KeyNotFound)
        {
            lock (_lock)
            {
                _lostReads++;
            }
        }
        catch (RpcException e)
        {
            Fail("get", e);
        }
    }

    private void Fail(string operation, RpcException e)
    {
        // The pairdb error (e.g. TIMEOUT 2005) when the server sent one; otherwise the gRPC status (the client's deadline, a refused connection).
        var what = RpcErrors.TryParse(e) is { FromDetails: true } error
            ? $"{operation} {ErrorCodes.NameOf(error.Code)} {(int)error.Code}"
            : $"{operation} gRPC {e.StatusCode}";
        lock (_lock)
        {
            _failures[what] = _failures.GetValueOrDefault(what) + 1;
        }
    }
}
