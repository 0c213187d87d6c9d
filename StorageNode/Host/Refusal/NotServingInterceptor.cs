using Grpc.Core;
using Grpc.Core.Interceptors;
using PairDb.Contracts.Errors;

namespace PairDb.StorageNode.Refusal;

/// <summary>Every StorageService call on a refused node fails NODE_NOT_READY (Unavailable, retriable elsewhere) with the reason.</summary>
public sealed class NotServingInterceptor(RefusalState state) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        throw NotReady();

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        throw NotReady();

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        throw NotReady();

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        throw NotReady();

    private RpcException NotReady() => RpcErrors.ToRpcException(ErrorCode.NodeNotReady, "node is not serving: " + state.Reason);
}
