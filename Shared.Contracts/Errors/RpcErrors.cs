using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using PairDb.Contracts.Grpc;

namespace PairDb.Contracts.Errors;

/// <summary>
/// Conversions between pairdb errors and gRPC: an RpcException whose trailers carry
/// <c>grpc-status-details-bin</c> = google.rpc.Status{details: [ErrorInfo{reason, domain "pairdb",
/// metadata {"code": "2003"}}]}, and back.
/// </summary>
public static class RpcErrors
{
    public static RpcException ToRpcException(this PairDbException exception) =>
        exception is RateLimitedException limited
            ? ToRpcException(exception.Code, exception.Message, RateLimitedException.RetryAfterMetadataKey, limited.RetryAfterMs.ToString(CultureInfo.InvariantCulture))
            : ToRpcException(exception.Code, exception.Message);

    public static RpcException ToRpcException(ErrorCode code, string message) => ToRpcException(code, message, null, null);

    /// <summary>The advised retry delay of a RATE_LIMITED failure (ErrorInfo metadata); null when it carries none.</summary>
    public static TimeSpan? TryGetRetryAfter(RpcException exception)
    {
        try
        {
            var errorInfo = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
            return errorInfo is not null
                && errorInfo.Metadata.TryGetValue(RateLimitedException.RetryAfterMetadataKey, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? TimeSpan.FromMilliseconds(ms)
                : null;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static RpcException ToRpcException(ErrorCode code, string message, string? extraKey, string? extraValue)
    {
        var info = ErrorCodes.Get(code);
        var errorInfo = new ErrorInfo { Reason = info.Name, Domain = ErrorCodes.Domain };
        errorInfo.Metadata.Add(ErrorCodes.CodeMetadataKey, info.CodeText);
        if (extraKey is not null)
        {
            errorInfo.Metadata.Add(extraKey, extraValue);
        }
        var status = new Google.Rpc.Status
        {
            Code = (int)info.StatusCode,
            Message = message,
            Details = { Any.Pack(errorInfo) },
        };
        return status.ToRpcException();
    }

    /// <summary>
    /// The pairdb error an RpcException carries, or, when it has no pairdb ErrorInfo, one guessed
    /// from its status code. Null only for StatusCode.OK.
    /// </summary>
    public static PairDbError? TryParse(RpcException exception)
    {
        if (exception.StatusCode == StatusCode.OK)
        {
            return null;
        }

        var code = TryReadDetail(exception);
        return code is { } known
            ? new PairDbError(known, exception.Status.Detail, FromDetails: true)
            : new PairDbError(ErrorCodes.FromStatusCode(exception.StatusCode), exception.Status.Detail, FromDetails: false);
    }

    /// <summary>The error code of a failed call (see <see cref="TryParse"/>); INTERNAL for OK.</summary>
    public static ErrorCode GetErrorCode(this RpcException exception) =>
        TryParse(exception)?.Code ?? ErrorCode.Internal;

    /// <summary>A batch item's error.</summary>
    public static OperationError ToOperationError(ErrorCode code, string message)
    {
        var info = ErrorCodes.Get(code);
        return new OperationError { Code = (uint)code, Reason = info.Name, Message = message };
    }

    public static OperationError ToOperationError(this PairDbException exception) =>
        ToOperationError(exception.Code, exception.Message);

    /// <summary>Reads a batch item's error back; unknown numbers fall back to the name, then INTERNAL.</summary>
    public static PairDbError ToPairDbError(this OperationError error)
    {
        if (error.Code <= int.MaxValue && ErrorCodes.TryGet((int)error.Code, out var byCode))
        {
            return new PairDbError(byCode.Code, error.Message, FromDetails: true);
        }

        return ErrorCodes.TryGetByName(error.Reason, out var byName)
            ? new PairDbError(byName.Code, error.Message, FromDetails: true)
            : new PairDbError(ErrorCode.Internal, error.Message, FromDetails: false);
    }

    private static ErrorCode? TryReadDetail(RpcException exception)
    {
        Google.Rpc.Status? status;
        try
        {
            status = exception.GetRpcStatus();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            // A damaged trailer is no reason to lose the status code; fall back to it.
            return null;
        }

        var errorInfo = status?.GetDetail<ErrorInfo>();
        if (errorInfo is null || !string.Equals(errorInfo.Domain, ErrorCodes.Domain, StringComparison.Ordinal))
        {
            return null;
        }

        if (errorInfo.Metadata.TryGetValue(ErrorCodes.CodeMetadataKey, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && ErrorCodes.TryGet(number, out var byCode))
        {
            return byCode.Code;
        }

        return ErrorCodes.TryGetByName(errorInfo.Reason, out var byName) ? byName.Code : null;
    }
}
