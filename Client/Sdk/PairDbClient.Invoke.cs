using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using Polly.CircuitBreaker;

namespace PairDb.Client;

public sealed partial class PairDbClient
{
    /// <summary>
    /// Runs one RPC through the pipeline. Each attempt gets its own deadline; its failure becomes a
    /// typed exception that the pipeline retries or not by code. With <paramref name="notFoundIsNull"/>,
    /// KEY_NOT_FOUND is a result (null), not a failure, so it neither retries nor trips the breaker.
    /// </summary>
    private async Task<TReply?> InvokeAsync<TReply>(
        Func<KeyValueService.KeyValueServiceClient, CallOptions, AsyncUnaryCall<TReply>> call,
        bool notFoundIsNull,
        CancellationToken cancellationToken)
        where TReply : class
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var state = new CallState<TReply>(this, call, notFoundIsNull);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (s, token) => s.AttemptAsync(token), state, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException open)
        {
            throw new PairDbCircuitOpenException(open.RetryAfter, open);
        }
    }

    private sealed class CallState<TReply>(
        PairDbClient client,
        Func<KeyValueService.KeyValueServiceClient, CallOptions, AsyncUnaryCall<TReply>> call,
        bool notFoundIsNull)
        where TReply : class
    {
        private int _attempts;

        public async ValueTask<TReply?> AttemptAsync(CancellationToken token)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            var options = new CallOptions(deadline: DateTime.UtcNow + client._options.AttemptTimeout, cancellationToken: token);
            try
            {
                using var pending = call(client._grpc, options);
                return await pending.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
            {
                throw new OperationCanceledException("the pairdb call was cancelled", e, token);
            }
            catch (RpcException e)
            {
                var error = ClientErrors.FromRpc(e, attempt);
                if (notFoundIsNull && error.Code == ErrorCode.KeyNotFound)
                {
                    return null;
                }

                throw error;
            }
        }
    }
}
