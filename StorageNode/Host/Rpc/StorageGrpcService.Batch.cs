using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Data;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// Batch forms: items are validated, admitted and applied one by one (a bad item fails alone, with
/// its own code: a context the cluster did not issue is found only while applying), the valid ones
/// are written as one atomic engine write with one group commit, and results come back in request
/// order. Several items for one key apply in request order, each seeing the previous.
/// </summary>
public sealed partial class StorageGrpcService
{
    public override async Task<BatchCoordinatedWriteReply> BatchCoordinatedWrite(BatchCoordinatedWriteRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        var count = request.Items.Count;
        CheckItemCount(count, nameof(BatchCoordinatedWrite));
        _metrics.WriteRequested(Operations.CoordinatedWrite, count);
        var call = Call(context);
        var results = new CoordinatedWriteResult[count];
        var mutations = new List<KeyMutation>(count);
        var positions = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            try
            {
                mutations.Add(PrepareCoordinated(request.Items[i], call));
                positions.Add(i);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = new CoordinatedWriteResult { Error = ItemError(e, nameof(BatchCoordinatedWrite)) };
            }
        }

        await ApplyBatchAsync(mutations, positions, context, nameof(BatchCoordinatedWrite),
            (i, stored) => results[i] = new CoordinatedWriteResult { Ok = new CoordinatedWriteReply { Versions = Wrap(stored.Bytes) } },
            (i, error) => results[i] = new CoordinatedWriteResult { Error = error }).ConfigureAwait(false);
        _metrics.WriteCompleted(Operations.CoordinatedWrite, start, count);
        return new BatchCoordinatedWriteReply { Results = { results } };
    }

    public override async Task<BatchReplicaWriteReply> BatchReplicaWrite(BatchReplicaWriteRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        var count = request.Items.Count;
        CheckItemCount(count, nameof(BatchReplicaWrite));
        _metrics.WriteRequested(Operations.ReplicaWrite, count);
        var call = Call(context);
        var results = new ReplicaWriteResult[count];
        var mutations = new List<KeyMutation>(count);
        var positions = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var item = request.Items[i];
            try
            {
                mutations.Add(PrepareMerge(item.TenantId, item.Key, item.Versions, item.NowUnixMs, call));
                positions.Add(i);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = new ReplicaWriteResult { Error = ItemError(e, nameof(BatchReplicaWrite)) };
            }
        }

        var ok = new ReplicaWriteReply();
        await ApplyBatchAsync(mutations, positions, context, nameof(BatchReplicaWrite),
            (i, _) => results[i] = new ReplicaWriteResult { Ok = ok },
            (i, error) => results[i] = new ReplicaWriteResult { Error = error }).ConfigureAwait(false);
        _metrics.WriteCompleted(Operations.ReplicaWrite, start, count);
        return new BatchReplicaWriteReply { Results = { results } };
    }

    public override Task<BatchReadReply> BatchRead(BatchReadRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        var count = request.Items.Count;
        CheckItemCount(count, nameof(BatchRead));
        _metrics.ReadRequested(count);
        var call = Call(context);
        var reply = new BatchReadReply();
        long replyBytes = 0;
        foreach (var item in request.Items)
        {
            if (replyBytes >= _validation.MaxBatchBytes)
            {
                // Cut like every batch once it reaches the byte cap, so the reply stays within the message
                // budget whatever the objects weigh; the caller reads these items again on their own.
                reply.Results.Add(new ReadResult { Error = RpcErrors.ToOperationError(ErrorCode.BatchTooLarge, ReplyBudgetSpent) });
                continue;
            }

            try
            {
                var read = ReadOne(PrepareRead(item, call), item.NowUnixMs);
                replyBytes += read.Versions.Length;
                reply.Results.Add(new ReadResult { Ok = read });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                reply.Results.Add(new ReadResult { Error = ItemError(e, nameof(BatchRead)) });
            }
        }

        _metrics.ReadCompleted(start, count);
        return Task.FromResult(reply);
    }

    /// <summary>The item error of a read the node did not do because the batch's reply had reached the byte cap.</summary>
    public const string ReplyBudgetSpent = "the batch reply reached the batch byte cap before this item; read it on its own";

    /// <summary>A batch over the item cap is refused whole (1009), before any item is looked at.</summary>
    private void CheckItemCount(int count, string rpc)
    {
        if (count > _validation.MaxBatchItems)
        {
            _metrics.Error(ErrorCode.BatchTooLarge);
            throw RpcErrors.ToRpcException(ErrorCode.BatchTooLarge, $"{rpc} has {count} items; the cap is {_validation.MaxBatchItems} (Validation:MaxBatchItems)");
        }
    }

    private async Task ApplyBatchAsync(
        List<KeyMutation> mutations,
        List<int> positions,
        ServerCallContext context,
        string rpc,
        Action<int, StoredVersions> onStored,
        Action<int, OperationError> onFailed)
    {
        if (mutations.Count == 0)
        {
            return;
        }

        // Each item fails alone (its own code); only a failed engine write fails all of them.
        var outcomes = await _store.ApplyAsync(mutations, context.CancellationToken).ConfigureAwait(false);
        Dictionary<Exception, OperationError>? errors = null;
        for (var j = 0; j < outcomes.Length; j++)
        {
            if (outcomes[j].Failure is not { } failure)
            {
                onStored(positions[j], outcomes[j].Stored);
                continue;
            }

            // A failed engine write is one failure shared by its items: classified (logged, counted) once.
            errors ??= new Dictionary<Exception, OperationError>(ReferenceEqualityComparer.Instance);
            if (!errors.TryGetValue(failure, out var error))
            {
                error = ItemError(failure, rpc);
                errors.Add(failure, error);
            }

            onFailed(positions[j], error);
        }
    }
}
