using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using PairDb.Contracts.Errors;

namespace PairDb.Hosting.Grpc;

/// <summary>
/// The last word on every gRPC call a host serves (registered once per host, for all its services):
/// whatever escapes a handler leaves as a pairdb error. An RpcException is already one and passes
/// untouched; a <see cref="PairDbException"/> becomes its own code; anything else is a bug and becomes
/// INTERNAL (2000) with the pairdb ErrorInfo, logged here once with the method's name. Without it
/// such an exception reached the client as gRPC Unknown without details.
/// </summary>
/// <remarks>
/// A cancellation of the call itself (the caller went away or its deadline passed) is left to the
/// framework, as before: nobody reads that answer, and it is no error of the host.
/// </remarks>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, context))
        {
            throw ToRpcException(e, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, context))
        {
            throw ToRpcException(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, context))
        {
            throw ToRpcException(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnanswered(e, context))
        {
            throw ToRpcException(e, context);
        }
    }

    /// <summary>True for an exception that is not yet a gRPC answer and not the call's own cancellation.</summary>
    private static bool IsUnanswered(Exception exception, ServerCallContext context) =>
        exception is not RpcException
        && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    private RpcException ToRpcException(Exception exception, ServerCallContext context)
    {
        if (exception is PairDbException known)
        {
            if (known.Code == ErrorCode.Internal)
            {
                LogUnexpected(logger, context.Method, exception);
            }

            return known.ToRpcException();
        }

        LogUnexpected(logger, context.Method, exception);
        return RpcErrors.ToRpcException(ErrorCode.Internal,
            $"internal error ({exception.GetType().Name}) in {context.Method}; the server logged it");
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Error, Message = "Unexpected error method={Method}")]
    private static partial void LogUnexpected(ILogger logger, string method, Exception exception);
}
