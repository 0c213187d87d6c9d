using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Client;

/// <summary>
/// A pairdb call that failed, with its error code (<see cref="PairDbException.Code"/>, the DESIGN.md
/// table) and whether the SDK considered it retriable. The message starts with the code's name and
/// number, e.g. <c>DISK_THROTTLED (2003): ...</c>.
/// </summary>
public class PairDbClientException : PairDbException
{
    public PairDbClientException(ErrorCode code, string detail, StatusCode statusCode, int attempts, Exception? innerException = null)
        : base(code, Describe(code, detail), innerException)
    {
        Detail = detail;
        StatusCode = statusCode;
        Attempts = attempts;
    }

    /// <summary>The code's wire name, e.g. <c>QUORUM_NOT_MET</c>.</summary>
    public string ErrorName => Info.Name;

    /// <summary>The server's (or transport's) detail message; for humans, never parse it.</summary>
    public string Detail { get; }

    /// <summary>The gRPC status the failure travelled with.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>Calls made before giving up (1 when the code is not retriable; 0 for a batch item).</summary>
    public int Attempts { get; }

    internal static string Describe(ErrorCode code, string detail)
    {
        var info = ErrorCodes.Get(code);
        return string.IsNullOrEmpty(detail) ? $"{info.Name} ({info.CodeText})" : $"{info.Name} ({info.CodeText}): {detail}";
    }
}
