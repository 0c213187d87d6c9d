using Google.Protobuf;
using PairDb.Bench.Load;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Node;

/// <summary>
/// The four phases against <c>pairdb.StorageService</c>: single CoordinatedWrite (blind: empty context),
/// Read of written keys, BatchCoordinatedWrite and BatchRead. Keys come from a <see cref="KeySpace"/> by
/// index: single writes use indices [0, n), batch writes [BatchBase, BatchBase + m), and the read phases pick
/// uniformly among the indices the write phases issued, so every read must find its key.
/// </summary>
public sealed class StoragePhases
{
    public const string Tenant = "bench";
    private const long BatchBase = 1L << 40;

    private readonly StorageService.StorageServiceClient[] _clients;
    private readonly NodeBenchOptions _options;
    private readonly KeySpace _keys;
    private readonly ByteString[] _values;
    private readonly ulong _readSeed;
    private long _singleWritten;
    private long _batchWritten;

    public StoragePhases(ChannelPool pool, NodeBenchOptions options, ulong keySeed)
    {
        _clients = pool.Clients(channel => new StorageService.StorageServiceClient(channel));
        _options = options;
        _keys = new KeySpace(keySeed, options.KeySize);
        _readSeed = keySeed ^ 0x5DEECE66DUL;
        var values = KeySpace.Values(64, options.ValueSize, options.Seed);
        _values = new ByteString[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            _values[i] = UnsafeByteOperations.UnsafeWrap(values[i]);
        }
    }

    /// <summary>Keys the single-write phase issued; set once that phase is over.</summary>
    public void SingleWritesDone(PhaseFigures figures) => _singleWritten = figures.Calls;

    public void BatchWritesDone(PhaseFigures figures) => _batchWritten = figures.Calls * _options.Batch;

    public LoadPhase SingleWrites(string name, TimeSpan? duration, long? ops)
    {
        var errors = new FirstError();
        return Phase(name, "write", 1, duration, ops, errors, async (caller, call, ct) =>
        {
            var request = WriteRequest(call);
            var reply = await Client(caller).CoordinatedWriteAsync(request, cancellationToken: ct);
            return reply.Versions.IsEmpty ? Failed(errors, "CoordinatedWrite answered no versions") : 0;
        });
    }

    public LoadPhase Reads(string name, TimeSpan? duration, long? ops)
    {
        var errors = new FirstError();
        return Phase(name, "read", 1, duration, ops, errors, async (caller, call, ct) =>
        {
            var request = new ReadRequest { TenantId = Tenant, Key = Key(ReadIndex(call)) };
            var reply = await Client(caller).ReadAsync(request, cancellationToken: ct);
            return reply.Found ? 0 : Failed(errors, "Read did not find a written key");
        });
    }

    public LoadPhase BatchWrites(string name, TimeSpan? duration, long? ops)
    {
        var errors = new FirstError();
        var batch = _options.Batch;
        return Phase(name, "write", batch, duration, BatchCalls(ops), errors, async (caller, call, ct) =>
        {
            var request = new BatchCoordinatedWriteRequest();
            for (var i = 0; i < batch; i++)
            {
                request.Items.Add(WriteRequest(BatchBase + (call * batch) + i));
            }

            var reply = await Client(caller).BatchCoordinatedWriteAsync(request, cancellationToken: ct);
            var failed = 0;
            foreach (var result in reply.Results)
            {
                if (result.ResultCase != CoordinatedWriteResult.ResultOneofCase.Ok)
                {
                    failed += Failed(errors, $"batch item failed: {result.Error}");
                }
            }

            return failed + (batch - reply.Results.Count);
        });
    }

    public LoadPhase BatchReads(string name, TimeSpan? duration, long? ops)
    {
        var errors = new FirstError();
        var batch = _options.Batch;
        return Phase(name, "read", batch, duration, BatchCalls(ops), errors, async (caller, call, ct) =>
        {
            var request = new BatchReadRequest();
            for (var i = 0; i < batch; i++)
            {
                request.Items.Add(new ReadRequest { TenantId = Tenant, Key = Key(AnyWrittenIndex((call * batch) + i)) });
            }

            var reply = await Client(caller).BatchReadAsync(request, cancellationToken: ct);
            var failed = 0;
            foreach (var result in reply.Results)
            {
                if (result.ResultCase != ReadResult.ResultOneofCase.Ok)
                {
                    failed += Failed(errors, $"batch item failed: {result.Error}");
                }
                else if (!result.Ok.Found)
                {
                    failed += Failed(errors, "BatchRead did not find a written key");
                }
            }

            return failed + (batch - reply.Results.Count);
        });
    }

    private LoadPhase Phase(string name, string kind, int items, TimeSpan? duration, long? calls, FirstError errors, LoadCall call) => new()
    {
        Name = name,
        Kind = kind,
        Callers = _options.Callers,
        ItemsPerCall = items,
        Duration = duration,
        MaxCalls = calls,
        CallsPerSecond = _options.Rate,
        Errors = errors,
        Call = call,
    };

    private long? BatchCalls(long? ops) => ops is { } n ? Math.Max(1, (n + _options.Batch - 1) / _options.Batch) : null;

    private StorageService.StorageServiceClient Client(int caller) => _clients[caller % _clients.Length];

    private CoordinatedWriteRequest WriteRequest(long index) => new()
    {
        TenantId = Tenant,
        Key = Key(index),
        Value = _values[index & (_values.Length - 1)],
    };

    private ByteString Key(long index) => UnsafeByteOperations.UnsafeWrap(_keys.Key(index));

    /// <summary>A key the single-write phase issued.</summary>
    private long ReadIndex(long call) => PickWritten(call, _singleWritten);

    /// <summary>A key either write phase issued, uniformly over both.</summary>
    private long AnyWrittenIndex(long draw) => PickWritten(draw, _singleWritten + _batchWritten);

    private long PickWritten(long draw, long count)
    {
        if (count <= 0)
        {
            throw new InvalidOperationException("no keys were written before the read phase");
        }

        var state = _readSeed ^ (ulong)draw;
        var r = (long)(KeySpace.SplitMix64(ref state) % (ulong)count);
        return r < _singleWritten ? r : BatchBase + (r - _singleWritten);
    }

    private static int Failed(FirstError errors, string message)
    {
        errors.Note(message);
        return 1;
    }
}
