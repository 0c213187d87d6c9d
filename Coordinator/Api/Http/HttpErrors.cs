using Microsoft.EntityFrameworkCore;
using Npgsql;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Api.Http;

/// <summary>The admin API's error replies: an HTTP status and <c>{"error": {"code", "reason", "message"}}</c>.</summary>
public static class HttpErrors
{
    public static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (MembershipException e)
        {
            var status = e.Failure switch
            {
                MembershipFailure.NotFound => StatusCodes.Status404NotFound,
                MembershipFailure.AlreadyExists or MembershipFailure.Refused => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
            return Error(status, e.Code, e.Message);
        }
        catch (PairDbException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Code, e.Message);
        }
        catch (Data.MetadataUnavailableException e)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, ErrorCode.NodeNotReady, e.Message);
        }
        catch (Exception e) when (e is NpgsqlException or DbUpdateException or TimeoutException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, ErrorCode.NodeNotReady, $"metadata database unavailable: {e.Message}");
        }
    }

    public static IResult Error(int httpStatus, ErrorCode code, string message) =>
        Results.Json(new ErrorJson(new ErrorBodyJson((int)code, ErrorCodes.NameOf(code), message)), HttpJson.Options, statusCode: httpStatus);
}
