using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// Turns coordinator failures into RpcExceptions carrying the pairdb ErrorInfo. Membership refusals
/// keep code 1000 but get the gRPC status that names them (NotFound, AlreadyExists,
/// FailedPrecondition), which is what grpcurl shows an operator.
/// </summary>
public static class GrpcErrors
{
    public static async Task<T> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (MembershipException e)
        {
            throw ToRpcException(e);
        }
        catch (PairDbException e)
        {
            throw e.ToRpcException();
        }
        catch (Data.MetadataUnavailableException e)
        {
            throw RpcErrors.ToRpcException(ErrorCode.NodeNotReady, e.Message);
        }
        catch (Exception e) when (e is NpgsqlException or DbUpdateException or TimeoutException)
        {
            throw RpcErrors.ToRpcException(ErrorCode.NodeNotReady, $"metadata database unavailable: {e.Message}");
        }
    }

    public static RpcException ToRpcException(MembershipException exception)
    {
        var status = exception.Failure switch
        {
            MembershipFailure.NotFound => StatusCode.NotFound,
            MembershipFailure.AlreadyExists => StatusCode.AlreadyExists,
            MembershipFailure.Refused => StatusCode.FailedPrecondition,
            _ => StatusCode.InvalidArgument,
        };
        var info = exception.Info;
        var errorInfo = new ErrorInfo { Reason = info.Name, Domain = ErrorCodes.Domain };
        errorInfo.Metadata.Add(ErrorCodes.CodeMetadataKey, info.CodeText);
        var rpcStatus = new Google.Rpc.Status
        {
            Code = (int)status,
            Message = exception.Message,
            Details = { Any.Pack(errorInfo) },
        };
        return rpcStatus.ToRpcException();
    }
}
