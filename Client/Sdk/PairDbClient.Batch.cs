using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using Grpc.Core;

namespace PairDb.Client;

public sealed partial class PairDbClient
{
    /// <summary>
    /// Writes several keys in one RPC. Results come back item by item in request order; one bad item
    /// does not fail the others. A retriable failure of the whole RPC retries the whole batch.
    /// </summary>
    public async Task<IReadOnlyList<BatchItemResult<WriteResult>>> BatchPutAsync(
        IReadOnlyList<PutItem> items,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var request = new BatchPutRequest();
        foreach (var item in items)
        {
            request.Items.Add(WireMapping.Put(item.TenantId, item.Key, item.Value, item.Context, options, _options.DefaultConsistency));
        }

        var reply = await InvokeAsync((grpc, call) => grpc.BatchPutAsync(request, call), false, cancellationToken).ConfigureAwait(false);
        CheckCount(reply!.Results.Count, items.Count);
        var results = new BatchItemResult<WriteResult>[items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var one = reply.Results[i];
            results[i] = one.ResultCase == PutResult.ResultOneofCase.Ok
                ? new(new WriteResult(one.Ok.Context.Memory))
                : new(ItemError(one.Error));
        }

        return results;
    }

    /// <summary>
    /// Reads several keys in one RPC, in request order. A key without a live value is a successful
    /// item with <see cref="GetResult.Found"/> = false.
    /// </summary>
    public async Task<IReadOnlyList<BatchItemResult<GetResult>>> BatchGetAsync(
        IReadOnlyList<GetItem> items,
        ReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var request = new BatchGetRequest();
        foreach (var item in items)
        {
            request.Items.Add(WireMapping.Get(item.TenantId, item.Key, options, _options.DefaultConsistency));
        }

        var reply = await InvokeAsync((grpc, call) => grpc.BatchGetAsync(request, call), false, cancellationToken).ConfigureAwait(false);
        CheckCount(reply!.Results.Count, items.Count);
        var results = new BatchItemResult<GetResult>[items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var one = reply.Results[i];
            if (one.ResultCase == Contracts.Grpc.GetResult.ResultOneofCase.Ok)
            {
                results[i] = new(WireMapping.ToResult(one.Ok));
                continue;
            }

            var error = ItemError(one.Error);
            results[i] = error.Code == ErrorCode.KeyNotFound ? new(GetResult.NotFound) : new(error);
        }

        return results;
    }

    /// <summary>Deletes several keys in one RPC; results in request order.</summary>
    public async Task<IReadOnlyList<BatchItemResult<WriteResult>>> BatchDeleteAsync(
        IReadOnlyList<DeleteItem> items,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var request = new BatchDeleteRequest();
        foreach (var item in items)
        {
            request.Items.Add(WireMapping.Delete(item.TenantId, item.Key, item.Context, options, _options.DefaultConsistency));
        }

        var reply = await InvokeAsync((grpc, call) => grpc.BatchDeleteAsync(request, call), false, cancellationToken).ConfigureAwait(false);
        CheckCount(reply!.Results.Count, items.Count);
        var results = new BatchItemResult<WriteResult>[items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var one = reply.Results[i];
            results[i] = one.ResultCase == DeleteResult.ResultOneofCase.Ok
                ? new(new WriteResult(one.Ok.Context.Memory))
                : new(ItemError(one.Error));
        }

        return results;
    }

    // An item with neither case set is a server bug; report it as INTERNAL rather than crash.
    private static PairDbClientException ItemError(OperationError? error) =>
        error is null
            ? new PairDbClientException(ErrorCode.Internal, "batch item has neither a result nor an error", StatusCode.Internal, attempts: 0)
            : ClientErrors.FromItem(error);

    private static void CheckCount(int results, int items)
    {
        if (results != items)
        {
            throw new PairDbClientException(ErrorCode.Internal, $"batch reply has {results} results for {items} items", StatusCode.Internal, attempts: 1);
        }
    }
}
