using System.Diagnostics.CodeAnalysis;

namespace PairDb.Contracts.Errors;

/// <summary>A failure with a wire error code; hosts turn it into an RpcException at the edge.</summary>
public class PairDbException : Exception
{
    public PairDbException(ErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public PairDbException(ErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    public ErrorCodeInfo Info => ErrorCodes.Get(Code);

    public bool Retriable => Info.Retriable;

    /// <summary>Throw from a separate frame so that callers' fast paths stay small.</summary>
    [DoesNotReturn]
    public static void Throw(ErrorCode code, string message) => throw new PairDbException(code, message);
}
