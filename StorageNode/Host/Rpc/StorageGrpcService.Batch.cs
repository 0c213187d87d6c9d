using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Data;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// Batch forms: items are validated and admitted one by one (a bad item fails alone), the valid
/// ones are applied as one atomic engine write with one group commit, and results come back in
/// request order. Several items for one key apply in request order, each seeing the previous.
/// </summary>
public sealed partial class StorageGrpcService
{
    public override async Task<BatchCoordinatedWriteReply> BatchCoordinatedWrite(BatchCoordinatedWriteRequest request, ServerCallContext context)
    {
        ThrowIfExpired(context);
        var start = Stopwatch.GetTimestamp();
        var count = request.Items.Count;
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
                mutations.Add(PrepareMerge(item.TenantId, item.Key, item.Versions, call));
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
        _metrics.ReadRequested(count);
        var call = Call(context);
        var reply = new BatchReadReply();
        foreach (var item in request.Items)
        {
            try
            {
                reply.Results.Add(new ReadResult { Ok = ReadOne(PrepareRead(item, call)) });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                reply.Results.Add(new ReadResult { Error = ItemError(e, nameof(BatchRead)) });
            }
        }

        _metrics.ReadCompleted(start, count);
        return Task.FromResult(reply);
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

        try
        {
            var stored = await _store.ApplyAsync(mutations, context.CancellationToken).ConfigureAwait(false);
            for (var j = 0; j < stored.Length; j++)
            {
                onStored(positions[j], stored[j]);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The engine write is atomic: it failed for every item of it.
            var error = ItemError(e, rpc);
            foreach (var position in positions)
            {
                onFailed(position, error);
            }
        }
    }
}
