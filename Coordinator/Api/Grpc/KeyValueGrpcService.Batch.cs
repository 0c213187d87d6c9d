using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Batch forms: every item runs the same quorum path as its single form, all items concurrently,
/// and answers in request order; one failed item does not fail its neighbours.
/// </summary>
public sealed partial class KeyValueGrpcService
{
    public override async Task<BatchPutReply> BatchPut(BatchPutRequest request, ServerCallContext context)
    {
        var call = KeyValueCallContext.From(context, _validator.Options);
        var results = new Task<PutResult>[request.Items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = PutItemAsync(request.Items[i], call, context.CancellationToken);
        }
        var reply = new BatchPutReply();
        reply.Results.AddRange(await Task.WhenAll(results));
        return reply;
    }

    public override async Task<BatchGetReply> BatchGet(BatchGetRequest request, ServerCallContext context)
    {
        var call = KeyValueCallContext.From(context, _validator.Options);
        var results = new Task<GetResult>[request.Items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = GetItemAsync(request.Items[i], call, context.CancellationToken);
        }
        var reply = new BatchGetReply();
        reply.Results.AddRange(await Task.WhenAll(results));
        return reply;
    }

    public override async Task<BatchDeleteReply> BatchDelete(BatchDeleteRequest request, ServerCallContext context)
    {
        var call = KeyValueCallContext.From(context, _validator.Options);
        var results = new Task<DeleteResult>[request.Items.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = DeleteItemAsync(request.Items[i], call, context.CancellationToken);
        }
        var reply = new BatchDeleteReply();
        reply.Results.AddRange(await Task.WhenAll(results));
        return reply;
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
