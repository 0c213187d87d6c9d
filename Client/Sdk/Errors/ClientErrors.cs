using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Client;

/// <summary>Turns wire failures into <see cref="PairDbClientException"/>s.</summary>
internal static class ClientErrors
{
    /// <summary>
    /// The typed exception of a failed call. A status without pairdb details gets the code its gRPC
    /// status implies (Unavailable -> NODE_NOT_READY, DeadlineExceeded -> TIMEOUT, ...).
    /// </summary>
    public static PairDbClientException FromRpc(RpcException exception, int attempt)
    {
        var error = RpcErrors.TryParse(exception) ?? new PairDbError(ErrorCode.Internal, "call failed with status OK", false);
        var detail = string.IsNullOrEmpty(error.Message) ? exception.StatusCode.ToString() : error.Message;
        return new PairDbClientException(error.Code, detail, exception.StatusCode, attempt, exception);
    }

    public static PairDbClientException FromItem(OperationError error)
    {
        var parsed = error.ToPairDbError();
        return new PairDbClientException(parsed.Code, parsed.Message, parsed.Info.StatusCode, attempts: 0);
    }

    /// <summary>Failures that say the service is unwell: every server error (2xxx), none of the client's (1xxx).</summary>
    public static bool CountsAgainstCircuit(PairDbClientException exception) =>
        exception is not PairDbCircuitOpenException && (int)exception.Code >= 2000;
}
