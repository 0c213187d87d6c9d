using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Batch forms: every item runs the same quorum path as its single form, all items concurrently,
/// and answers in request order; one failed item does not fail its neighbours. A batch is admitted
/// whole, each item counting as one request against the in-flight limit.
/// </summary>
public sealed partial class KeyValueGrpcService
{
    public override async Task<BatchPutReply> BatchPut(BatchPutRequest request, ServerCallContext context)
    {
        using var permit = Admit("batch_put", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        var reply = new BatchPutReply();
        reply.Results.AddRange(await RunAllAsync(request.Items, item => PutItemAsync(item, call, context.CancellationToken)));
        return reply;
    }

    public override async Task<BatchGetReply> BatchGet(BatchGetRequest request, ServerCallContext context)
    {
        using var permit = Admit("batch_get", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        var reply = new BatchGetReply();
        reply.Results.AddRange(await RunAllAsync(request.Items, item => GetItemAsync(item, call, context.CancellationToken)));
        return reply;
    }

    public override async Task<BatchDeleteReply> BatchDelete(BatchDeleteRequest request, ServerCallContext context)
    {
        using var permit = Admit("batch_delete", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        var reply = new BatchDeleteReply();
        reply.Results.AddRange(await RunAllAsync(request.Items, item => DeleteItemAsync(item, call, context.CancellationToken)));
        return reply;
    }

    /// <summary>Starts every item at once and collects the results in request order.</summary>
    private static Task<TResult[]> RunAllAsync<TItem, TResult>(IList<TItem> items, Func<TItem, Task<TResult>> run)
    {
        var results = new Task<TResult>[items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = run(items[i]);
        }

        return Task.WhenAll(results);
    }

    private async Task<PutResult> PutItemAsync(PutRequest item, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        try
        {
            return new PutResult { Ok = await PutAsync(item, call, cancellationToken) };
        }
        catch (PairDbException e)
        {
            Count("batch_put", e);
            return new PutResult { Error = e.ToOperationError() };
        }
    }

    private async Task<GetResult> GetItemAsync(GetRequest item, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        try
        {
            return new GetResult { Ok = await GetAsync(item, call, cancellationToken) };
        }
        catch (PairDbException e)
        {
            Count("batch_get", e);
            return new GetResult { Error = e.ToOperationError() };
        }
    }

    private async Task<DeleteResult> DeleteItemAsync(DeleteRequest item, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        try
        {
            return new DeleteResult { Ok = await DeleteAsync(item, call, cancellationToken) };
        }
        catch (PairDbException e)
        {
            Count("batch_delete", e);
            return new DeleteResult { Error = e.ToOperationError() };
        }
    }

    private void Count(string operation, PairDbException e)
    {
        if (e.Code is ErrorCode.QuorumNotMet or ErrorCode.Timeout)
        {
            _metrics.QuorumFailed(operation, (int)e.Code);
        }
    }
}
