namespace PairDb.Contracts.Errors;

/// <summary>An error as a client reads it back from the wire.</summary>
/// <param name="Code">The error code (from ErrorInfo, or guessed from the gRPC status).</param>
/// <param name="Message">The status detail message; for humans only.</param>
/// <param name="FromDetails">True when the code came from a pairdb ErrorInfo, false when guessed.</param>
public sealed record PairDbError(ErrorCode Code, string Message, bool FromDetails)
{
    public ErrorCodeInfo Info => ErrorCodes.Get(Code);

    public string Name => Info.Name;

    public bool Retriable => Info.Retriable;

    public PairDbException ToException() => new(Code, Message);
}
