using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Batch forms: every item runs the same quorum path as its single form, all items concurrently,
/// and answers in request order; one failed item does not fail its neighbours, whatever it failed with. A batch
/// over the item or byte cap is refused whole (<see cref="BatchLimits"/>); one within them is admitted whole,
/// each item counting as one request against the in-flight limit; a BatchGet's reply is bounded by
/// <see cref="BatchReplyBudget"/>.
/// </summary>
public sealed partial class KeyValueGrpcService
{
    public override async Task<BatchPutReply> BatchPut(BatchPutRequest request, ServerCallContext context)
    {
        BatchLimits.CheckPuts(request.Items, _validator.Options);
        using var permit = Admit("batch_put", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        call.RequireTenants(request.Items, static i => i.TenantId);
        var reply = new BatchPutReply();
        reply.Results.AddRange(await RunAllAsync(request.Items, item => PutItemAsync(item, call, context.CancellationToken)));
        return reply;
    }

    public override async Task<BatchGetReply> BatchGet(BatchGetRequest request, ServerCallContext context)
    {
        BatchLimits.CheckGets(request.Items, _validator.Options);
        using var permit = Admit("batch_get", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        call.RequireTenants(request.Items, static i => i.TenantId);
        var budget = new BatchReplyBudget(_validator.Options.MaxBatchBytes);
        var reply = new BatchGetReply();
        reply.Results.AddRange(await RunAllAsync(request.Items, item => GetItemAsync(item, call, budget, context.CancellationToken)));
        return reply;
    }

    public override async Task<BatchDeleteReply> BatchDelete(BatchDeleteRequest request, ServerCallContext context)
    {
        BatchLimits.CheckDeletes(request.Items, _validator.Options);
        using var permit = Admit("batch_delete", context, request.Items.Count, request.CalculateSize());
        var call = KeyValueCallContext.From(context, _validator.Options);
        call.RequireTenants(request.Items, static i => i.TenantId);
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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new PutResult { Error = UnexpectedItemError("batch_put", e) };
        }
    }

    private async Task<GetResult> GetItemAsync(GetRequest item, KeyValueCallContext call, BatchReplyBudget budget, CancellationToken cancellationToken)
    {
        try
        {
            return new GetResult { Ok = await budget.RunAsync(() => GetAsync(item, call, cancellationToken), static r => r.CalculateSize(), cancellationToken) };
        }
        catch (PairDbException e)
        {
            Count("batch_get", e);
            return new GetResult { Error = e.ToOperationError() };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GetResult { Error = UnexpectedItemError("batch_get", e) };
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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DeleteResult { Error = UnexpectedItemError("batch_delete", e) };
        }
    }

    /// <summary>
    /// A bug hit by one item fails that item alone, as INTERNAL, as a whole call would through the error
    /// interceptor; logged here with the operation, since the interceptor never sees it.
    /// </summary>
    private OperationError UnexpectedItemError(string operation, Exception exception)
    {
        LogBatchItemFailed(_logger, operation, exception);
        return RpcErrors.ToOperationError(ErrorCode.Internal, $"internal error ({exception.GetType().Name}) in {operation}; the server logged it");
    }

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Unexpected error in a batch item operation={Operation}")]
    private static partial void LogBatchItemFailed(ILogger logger, string operation, Exception exception);

    private void Count(string operation, PairDbException e)
    {
        if (e.Code is ErrorCode.QuorumNotMet or ErrorCode.Timeout)
        {
            _metrics.QuorumFailed(operation, (int)e.Code);
        }
    }
}
