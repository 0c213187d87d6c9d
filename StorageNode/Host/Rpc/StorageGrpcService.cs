using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Metrics;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// <c>pairdb.StorageService</c>: every request is validated (its code on failure, nothing stored),
/// admitted (maintenance, disk), applied to the versioned store, and measured. Whole-RPC failures
/// travel as RpcErrors; a batch answers item by item.
/// </summary>
public sealed partial class StorageGrpcService : StorageService.StorageServiceBase
{
    private readonly VersionedStore _store;
    private readonly RequestChecks _checks;
    private readonly WriteAdmission _admission;
    private readonly StorageNodeMetrics _metrics;
    private readonly ValidationOptions _validation;
    private readonly string _clientIdHeader;
    private readonly ILogger<StorageGrpcService> _logger;
    private readonly StreamingServices _streaming;
    private readonly TenantUsageScanner _tenantUsage;
    private readonly TimeProvider _time;

    public StorageGrpcService(
        VersionedStore store,
        RequestChecks checks,
        WriteAdmission admission,
        StorageNodeMetrics metrics,
        IOptions<ValidationOptions> validation,
        IOptions<NodeOptions> node,
        StreamingServices streaming,
        TenantUsageScanner tenantUsage,
        TimeProvider time,
        ILogger<StorageGrpcService> logger)
    {
        _store = store;
        _checks = checks;
        _admission = admission;
        _metrics = metrics;
        _validation = validation.Value;
        _clientIdHeader = node.Value.ClientIdHeader;
        _logger = logger;
        _streaming = streaming;
        _tenantUsage = tenantUsage;
        _time = time;
    }

    private CallContext Call(ServerCallContext context) => CallContext.From(context, _clientIdHeader, _validation);

    /// <summary>Validates and admits a coordinated write; throws PairDbException with the request's error.</summary>
    private KeyMutation PrepareCoordinated(CoordinatedWriteRequest request, CallContext call)
    {
        _checks.CheckCoordinatedWrite(request, call.Trusted).ThrowIfInvalid();
        Admit(request.Tombstone ? 0 : request.Value.Length);
        var key = KeyEncoding.Encode(call.ResolveTenant(request.TenantId), request.Key.Span);
        var context = request.Context.IsEmpty
            ? VersionVector.Empty
            : VersionVectorFormat.Parse(request.Context.Span, _validation.MaxContextEntries);
        var mutation = request.ConflictMode switch
        {
            ConflictMode.Siblings => request.Tombstone
                ? KeyMutation.Delete(key, context)
                : KeyMutation.Write(key, context, request.Value.Memory, request.ExpiresAtUnixMs),
            ConflictMode.LastWriterWins => request.Tombstone
                ? KeyMutation.LastWriterWinsDelete(key, context)
                : KeyMutation.LastWriterWinsWrite(key, context, request.Value.Memory, request.ExpiresAtUnixMs),
            _ => throw new PairDbException(ErrorCode.InvalidArgument, $"unknown conflict_mode {(int)request.ConflictMode}"),
        };
        return mutation.AtRequestTime(request.NowUnixMs);
    }

    /// <summary>Validates and admits a replica write or repair.</summary>
    private KeyMutation PrepareMerge(string tenantId, ByteString key, ByteString versions, long requestNowUnixMs, CallContext call)
    {
        _checks.CheckVersions(tenantId, key.Span, versions.Span, call.Trusted, out var set).ThrowIfInvalid();
        Admit(versions.Length);
        return KeyMutation.Merge(KeyEncoding.Encode(call.ResolveTenant(tenantId), key.Span), set!).AtRequestTime(requestNowUnixMs);
    }

    private byte[] PrepareRead(ReadRequest request, CallContext call)
    {
        _checks.CheckRead(request, call.Trusted).ThrowIfInvalid();
        return KeyEncoding.Encode(call.ResolveTenant(request.TenantId), request.Key.Span);
    }

    private void Admit(long payloadBytes)
    {
        if (_admission.Check(payloadBytes) is { } rejection)
        {
            PairDbException.Throw(rejection.Code, rejection.Message);
        }
    }

    private static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    /// <summary>
    /// A request whose caller already gave up (its deadline passed, or it cancelled) is not started: TIMEOUT,
    /// nothing validated or applied. Called before the RPC's own catch, so the code is not turned into INTERNAL.
    /// </summary>
    private static void ThrowIfExpired(ServerCallContext context)
    {
        if (context.CancellationToken.IsCancellationRequested || context.Deadline <= DateTime.UtcNow)
        {
            throw RpcErrors.ToRpcException(ErrorCode.Timeout, "the caller's deadline passed before the node started the request; nothing was applied");
        }
    }

    /// <summary>The wire error for a failure, counted in errors_total; unexpected ones are logged.</summary>
    private (ErrorCode Code, string Message) Classify(Exception exception, string rpc)
    {
        var (code, message) = StorageErrors.ToWire(exception);
        if (code == ErrorCode.Internal && exception is not WriteOutcomeUnknownException)
        {
            StorageLog.RequestFailed(_logger, rpc, exception);
        }

        _metrics.Error(code);
        return (code, message);
    }

    private RpcException Fail(Exception exception, string rpc)
    {
        var (code, message) = Classify(exception, rpc);
        return RpcErrors.ToRpcException(code, message);
    }

    private OperationError ItemError(Exception exception, string rpc)
    {
        var (code, message) = Classify(exception, rpc);
        return RpcErrors.ToOperationError(code, message);
    }
}
