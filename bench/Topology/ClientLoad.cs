using System.Diagnostics;
using PairDb.Bench.Load;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Topology;

/// <summary>
/// Client traffic through the coordinator's KeyValueService: the bulk load (BatchPut of every key of the
/// data set) and a paced mix, half Gets of loaded keys (uniform; a key not found is a failed item, so a
/// bootstrap that loses an acknowledged write shows up here) and half Puts of new keys (blind inserts,
/// no siblings pile up). Paced phases measure latency from each call's due time.
/// </summary>
public sealed class ClientLoad : IDisposable
{
    private const int Callers = 64;
    private const long InsertBase = 1L << 40;

    private readonly ChannelPool _pool;
    private readonly KeyValueService.KeyValueServiceClient[] _clients;
    private readonly DataSet _data;
    private readonly TopologyBenchOptions _options;
    private long _inserted;

    public ClientLoad(Uri coordinator, DataSet data, TopologyBenchOptions options)
    {
        _pool = new ChannelPool(coordinator, 2);
        _clients = _pool.Clients(c => new KeyValueService.KeyValueServiceClient(c));
        _data = data;
        _options = options;
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => _pool.ConnectAsync(cancellationToken);

    /// <summary>Every key of the data set, once, in BatchPut calls.</summary>
    public LoadPhase Load()
    {
        var errors = new FirstError();
        return new LoadPhase
        {
            Name = "load cluster",
            Kind = "write",
            Callers = 8,
            ItemsPerCall = _data.Batch,
            MaxCalls = _data.LoadCalls,
            Errors = errors,
            Call = async (caller, call, ct) =>
            {
                var (first, count) = _data.CallRange(call);
                var request = new BatchPutRequest();
                for (var i = 0; i < count; i++)
                {
                    request.Items.Add(new PutRequest { TenantId = DataSet.Tenant, Key = _data.Key(first + i), Value = _data.Value(first + i) });
                }

                var reply = await Client(caller).BatchPutAsync(request, cancellationToken: ct);
                var failed = count - reply.Results.Count;
                foreach (var result in reply.Results)
                {
                    if (result.ResultCase != PutResult.ResultOneofCase.Ok)
                    {
                        errors.Note($"BatchPut item: {result.Error}");
                        failed++;
                    }
                }

                return failed;
            },
        };
    }

    /// <summary>The paced read/insert mix for at most <paramref name="duration"/>, or until <paramref name="until"/> is cancelled.</summary>
    public LoadPhase Mixed(string name, TimeSpan duration, CancellationToken until, LatencyTimeline? timeline = null)
    {
        var errors = new FirstError();
        return new LoadPhase
        {
            Name = name,
            Kind = "mixed",
            Callers = Callers,
            Duration = duration,
            CallsPerSecond = _options.Rate,
            Until = until,
            Errors = errors,
            Call = async (caller, call, ct) =>
            {
                var begun = Stopwatch.GetTimestamp();
                try
                {
                    return await CallAsync(caller, call, errors, ct);
                }
                finally
                {
                    timeline?.Record(begun, Stopwatch.GetTimestamp());
                }
            },
        };
    }

    public void Dispose() => _pool.Dispose();

    private async ValueTask<int> CallAsync(int caller, long call, FirstError errors, CancellationToken cancellationToken)
    {
        if ((call & 1) == 0)
        {
            var request = new GetRequest { TenantId = DataSet.Tenant, Key = _data.Key(LoadedIndex(call)) };
            var reply = await Client(caller).GetAsync(request, cancellationToken: cancellationToken);
            if (reply.Siblings.Count == 0)
            {
                errors.Note("Get of a loaded key answered no sibling");
                return 1;
            }

            return 0;
        }

        var index = InsertBase + Interlocked.Increment(ref _inserted);
        var put = new PutRequest { TenantId = DataSet.Tenant, Key = _data.Key(index), Value = _data.Value(index) };
        await Client(caller).PutAsync(put, cancellationToken: cancellationToken);
        return 0;
    }

    private KeyValueService.KeyValueServiceClient Client(int caller) => _clients[caller % _clients.Length];

    /// <summary>A loaded key, uniformly: hot keys would stay cached and hide the bootstrap's effect on reads.</summary>
    private long LoadedIndex(long call)
    {
        var state = (ulong)_options.Seed ^ ((ulong)call * 0xD1B54A32D192ED03UL);
        return (long)(KeySpace.SplitMix64(ref state) % (ulong)_data.Count);
    }
}
