using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Grpc;

namespace PairDb.StorageNode.Rpc;

public sealed partial class StorageGrpcService
{
    public override async Task<CoordinatedWriteReply> CoordinatedWrite(CoordinatedWriteRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        var operation = request.Tombstone ? Operations.Delete : Operations.CoordinatedWrite;
        _metrics.WriteRequested(operation);
        try
        {
            var mutation = PrepareCoordinated(request, Call(context));
            var stored = await _store.ApplyAsync(mutation, context.CancellationToken).ConfigureAwait(false);
            return new CoordinatedWriteReply { Versions = Wrap(stored.Bytes) };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(CoordinatedWrite));
        }
        finally
        {
            _metrics.WriteCompleted(operation, start);
        }
    }

    public override async Task<ReplicaWriteReply> ReplicaWrite(ReplicaWriteRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        _metrics.WriteRequested(Operations.ReplicaWrite);
        try
        {
            var mutation = PrepareMerge(request.TenantId, request.Key, request.Versions, request.NowUnixMs, Call(context));
            await _store.ApplyAsync(mutation, context.CancellationToken).ConfigureAwait(false);
            return new ReplicaWriteReply();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(ReplicaWrite));
        }
        finally
        {
            _metrics.WriteCompleted(Operations.ReplicaWrite, start);
        }
    }

    public override async Task<RepairReply> Repair(RepairRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        _metrics.WriteRequested(Operations.Repair);
        try
        {
            var mutation = PrepareMerge(request.TenantId, request.Key, request.Versions, request.NowUnixMs, Call(context));
            await _store.ApplyAsync(mutation, context.CancellationToken).ConfigureAwait(false);
            _metrics.RecoveryOperation();
            return new RepairReply();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(Repair));
        }
        finally
        {
            _metrics.WriteCompleted(Operations.Repair, start);
        }
    }

    public override Task<ReadReply> Read(ReadRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        _metrics.ReadRequested();
        try
        {
            return Task.FromResult(ReadOne(PrepareRead(request, Call(context)), request.NowUnixMs));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(Read));
        }
        finally
        {
            _metrics.ReadCompleted(start);
        }
    }

    public override async Task<RangeDigestReply> RangeDigest(RangeDigestRequest request, ServerCallContext context)
    {
        try
        {
            // A full scan: off the request thread, cancellable by the caller's deadline.
            var (count, digest) = await Task.Run(
                () => _store.RangeDigest(request.StartToken, request.EndToken, context.CancellationToken),
                context.CancellationToken).ConfigureAwait(false);
            return new RangeDigestReply { KeyCount = count, Digest = digest };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Fail(e, nameof(RangeDigest));
        }
    }

    private ReadReply ReadOne(byte[] encodedKey, long requestNowUnixMs)
    {
        var stored = _store.Read(encodedKey, requestNowUnixMs);
        return stored is { } found
            ? new ReadReply { Found = true, Versions = Wrap(found.Bytes) }
            : new ReadReply { Found = false };
    }
}
