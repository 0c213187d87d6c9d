using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>
/// What the fake KeyValueService does: which failures it throws (queued ones first, then a standing
/// one), what it answers, and what it saw. Thread-safe; reset between tests.
/// </summary>
internal sealed class FakeKeyValueBehavior
{
    public static readonly ByteString PutContext = ByteString.CopyFromUtf8("ctx-after-put");
    public static readonly ByteString DeleteContext = ByteString.CopyFromUtf8("ctx-after-delete");

    private readonly ConcurrentQueue<Func<RpcException>> _queuedFailures = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private volatile Func<RpcException>? _standingFailure;

    public ConcurrentQueue<PutRequest> Puts { get; } = new();

    /// <summary>The <c>authorization</c> metadata (or header) of every call and admin request, "" when absent, in order.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public ConcurrentQueue<GetRequest> Gets { get; } = new();

    public ConcurrentQueue<DeleteRequest> Deletes { get; } = new();

    /// <summary>The answer to every Get; null answers KEY_NOT_FOUND.</summary>
    public GetReply? GetReply { get; set; }

    /// <summary>When true, every call waits until the client gives up on it (its deadline passes).</summary>
    public bool Hang { get; set; }

    /// <summary>The answer to every BatchGet; null answers one OK reply per item from <see cref="GetReply"/>.</summary>
    public BatchGetReply? BatchGetReply { get; set; }

    public void Reset()
    {
        _queuedFailures.Clear();
        _calls.Clear();
        _standingFailure = null;
        Puts.Clear();
        Authorizations.Clear();
        Gets.Clear();
        Deletes.Clear();
        GetReply = null;
        BatchGetReply = null;
        Hang = false;
    }

    /// <summary>The next <paramref name="times"/> calls fail with <paramref name="code"/>, as a real host sends it.</summary>
    public void FailNext(int times, ErrorCode code)
    {
        for (var i = 0; i < times; i++)
        {
            _queuedFailures.Enqueue(() => RpcErrors.ToRpcException(code, $"fake failure {i}"));
        }
    }

    /// <summary>Every call (after the queued failures) fails with <paramref name="code"/>.</summary>
    public void FailAlways(ErrorCode code) => _standingFailure = () => RpcErrors.ToRpcException(code, "fake standing failure");

    /// <summary>Every call fails with a bare gRPC status, no pairdb details (a proxy, a transport error).</summary>
    public void FailAlways(StatusCode status) => _standingFailure = () => new RpcException(new Status(status, "bare status"));

    public int Calls(string method) => _calls.TryGetValue(method, out var n) ? n : 0;

    /// <summary>Counts the call, then waits or throws as scripted.</summary>
    public async Task EnterAsync(string method, ServerCallContext context)
    {
        _calls.AddOrUpdate(method, 1, static (_, n) => n + 1);
        Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization") ?? "");
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
        }

        if (_queuedFailures.TryDequeue(out var queued))
        {
            throw queued();
        }

        if (_standingFailure is { } standing)
        {
            throw standing();
        }
    }
}
