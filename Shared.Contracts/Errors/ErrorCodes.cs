using System.Diagnostics.CodeAnalysis;
using Grpc.Core;

namespace PairDb.Contracts.Errors;

/// <summary>The single source of truth for error codes: name, gRPC status, retry advice.</summary>
public static class ErrorCodes
{
    /// <summary>ErrorInfo.domain of every pairdb error.</summary>
    public const string Domain = "pairdb";

    /// <summary>ErrorInfo.metadata key holding the numeric code.</summary>
    public const string CodeMetadataKey = "code";

    private static readonly ErrorCodeInfo[] Table =
    [
        new(ErrorCode.InvalidArgument, "INVALID_ARGUMENT", StatusCode.InvalidArgument, false, false, "malformed request"),
        new(ErrorCode.KeyNotFound, "KEY_NOT_FOUND", StatusCode.NotFound, false, false, "no live value"),
        new(ErrorCode.KeyTooLarge, "KEY_TOO_LARGE", StatusCode.InvalidArgument, false, false, "key over the key size limit"),
        new(ErrorCode.ValueTooLarge, "VALUE_TOO_LARGE", StatusCode.InvalidArgument, false, false, "value over the value size limit"),
        new(ErrorCode.InvalidTenantId, "INVALID_TENANT_ID", StatusCode.InvalidArgument, false, false, "tenant id not [A-Za-z0-9_-]{1,64}"),
        new(ErrorCode.InvalidVectorClock, "INVALID_VECTOR_CLOCK", StatusCode.InvalidArgument, false, false, "context too long, malformed, or from the future"),
        new(ErrorCode.ChecksumFailed, "CHECKSUM_FAILED", StatusCode.DataLoss, false, true, "stored data failed its CRC32"),
        new(ErrorCode.TooManySiblings, "TOO_MANY_SIBLINGS", StatusCode.FailedPrecondition, false, false, "the write would leave the key over the sibling limit; write with the context of a read to resolve them"),
        new(ErrorCode.ObjectTooLarge, "OBJECT_TOO_LARGE", StatusCode.FailedPrecondition, false, false, "the write would leave the key's stored object over the object size limit; resolve its siblings"),
        new(ErrorCode.BatchTooLarge, "BATCH_TOO_LARGE", StatusCode.InvalidArgument, false, false, "batch over the item or byte cap; split it"),
        new(ErrorCode.Unauthenticated, "UNAUTHENTICATED", StatusCode.Unauthenticated, false, false, "no credential, or one that is unknown, expired or revoked"),
        new(ErrorCode.PermissionDenied, "PERMISSION_DENIED", StatusCode.PermissionDenied, false, false, "the credential may not call this, or names another tenant; nothing was read or changed"),
        new(ErrorCode.QuotaExceeded, "QUOTA_EXCEEDED", StatusCode.ResourceExhausted, false, false, "the tenant's stored-bytes quota is used up; delete data or raise the quota"),
        new(ErrorCode.Internal, "INTERNAL", StatusCode.Internal, false, false, "bug; logged with context"),
        new(ErrorCode.NodeNotReady, "NODE_NOT_READY", StatusCode.Unavailable, true, true, "starting, draining, in maintenance, not an owner"),
        new(ErrorCode.DiskFull, "DISK_FULL", StatusCode.ResourceExhausted, false, true, "circuit breaker engaged (>= 95%)"),
        new(ErrorCode.DiskThrottled, "DISK_THROTTLED", StatusCode.Unavailable, true, true, "throttle engaged (>= 90%) and the write is large"),
        new(ErrorCode.QuorumNotMet, "QUORUM_NOT_MET", StatusCode.Unavailable, true, false, "fewer than R/W replicas answered"),
        new(ErrorCode.Timeout, "TIMEOUT", StatusCode.DeadlineExceeded, true, false, "replicas did not answer in time"),
        new(ErrorCode.Overloaded, "OVERLOADED", StatusCode.ResourceExhausted, true, false, "a bounded queue is full; nothing was done, retry after a backoff"),
        new(ErrorCode.RateLimited, "RATE_LIMITED", StatusCode.ResourceExhausted, true, false, "the tenant is over its request or byte rate; nothing was done, retry after the advised delay"),
    ];

    /// <summary>Every row, in code order.</summary>
    public static IReadOnlyList<ErrorCodeInfo> All => Table;

    /// <summary>The row of a defined code; throws for a value outside the enum.</summary>
    public static ErrorCodeInfo Get(ErrorCode code) =>
        TryGet((int)code, out var info)
            ? info
            : throw new ArgumentOutOfRangeException(nameof(code), code, "not a pairdb error code");

    public static bool TryGet(int code, [NotNullWhen(true)] out ErrorCodeInfo? info)
    {
        foreach (var row in Table)
        {
            if ((int)row.Code == code)
            {
                info = row;
                return true;
            }
        }

        info = null;
        return false;
    }

    public static bool TryGetByName(string name, [NotNullWhen(true)] out ErrorCodeInfo? info)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal))
            {
                info = row;
                return true;
            }
        }

        info = null;
        return false;
    }

    /// <summary>The wire name of a code, e.g. "DISK_THROTTLED" (metrics labels, logs).</summary>
    public static string NameOf(ErrorCode code) => Get(code).Name;

    public static bool IsRetriable(ErrorCode code) => Get(code).Retriable;

    /// <summary>
    /// The best guess when a failure carries no pairdb detail (transport errors, a proxy, an old
    /// server). Unavailable maps to NODE_NOT_READY: a refused connection is a node that is not ready.
    /// </summary>
    public static ErrorCode FromStatusCode(StatusCode status) => status switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition => ErrorCode.InvalidArgument,
        StatusCode.NotFound => ErrorCode.KeyNotFound,
        StatusCode.DataLoss => ErrorCode.ChecksumFailed,
        StatusCode.Unavailable => ErrorCode.NodeNotReady,
        StatusCode.ResourceExhausted => ErrorCode.DiskFull,
        StatusCode.DeadlineExceeded => ErrorCode.Timeout,
        _ => ErrorCode.Internal,
    };
}
