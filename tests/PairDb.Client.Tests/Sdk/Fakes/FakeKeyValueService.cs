using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>A KeyValueService that answers as <see cref="FakeKeyValueBehavior"/> says.</summary>
internal sealed class FakeKeyValueService(FakeKeyValueBehavior behavior) : KeyValueService.KeyValueServiceBase
{
    public override async Task<PutReply> Put(PutRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(Put), context);
        behavior.Puts.Enqueue(request);
        return new PutReply { Context = FakeKeyValueBehavior.PutContext };
    }

    public override async Task<GetReply> Get(GetRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(Get), context);
        behavior.Gets.Enqueue(request);
        return behavior.GetReply ?? throw RpcErrors.ToRpcException(ErrorCode.KeyNotFound, "no live value");
    }

    public override async Task<DeleteReply> Delete(DeleteRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(Delete), context);
        behavior.Deletes.Enqueue(request);
        return new DeleteReply { Context = FakeKeyValueBehavior.DeleteContext };
    }

    public override async Task<BatchPutReply> BatchPut(BatchPutRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(BatchPut), context);
        var reply = new BatchPutReply();
        foreach (var item in request.Items)
        {
            behavior.Puts.Enqueue(item);
            reply.Results.Add(item.Value.IsEmpty
                ? new PutResult { Error = RpcErrors.ToOperationError(ErrorCode.InvalidArgument, "empty value") }
                : new PutResult { Ok = new PutReply { Context = FakeKeyValueBehavior.PutContext } });
        }

        return reply;
    }

    public override async Task<BatchGetReply> BatchGet(BatchGetRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(BatchGet), context);
        if (behavior.BatchGetReply is { } scripted)
        {
            return scripted;
        }

        var reply = new BatchGetReply();
        foreach (var item in request.Items)
        {
            behavior.Gets.Enqueue(item);
            reply.Results.Add(behavior.GetReply is { } found
                ? new Contracts.Grpc.GetResult { Ok = found }
                : new Contracts.Grpc.GetResult { Error = RpcErrors.ToOperationError(ErrorCode.KeyNotFound, "no live value") });
        }

        return reply;
    }

    public override async Task<BatchDeleteReply> BatchDelete(BatchDeleteRequest request, ServerCallContext context)
    {
        await behavior.EnterAsync(nameof(BatchDelete), context);
        var reply = new BatchDeleteReply();
        foreach (var item in request.Items)
        {
            behavior.Deletes.Enqueue(item);
            reply.Results.Add(new DeleteResult { Ok = new DeleteReply { Context = FakeKeyValueBehavior.DeleteContext } });
        }

        return reply;
    }
}
