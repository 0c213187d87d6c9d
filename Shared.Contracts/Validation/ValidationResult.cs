using PairDb.Contracts.Errors;

namespace PairDb.Contracts.Validation;

/// <summary>
/// The outcome of a check: a struct with a constant message, so success allocates nothing.
/// <c>default</c> is a success too.
/// </summary>
public readonly record struct ValidationResult(ErrorCode? Error, string? Message)
{
    public static ValidationResult Ok => default;

    public bool IsValid => Error is null;

    public static ValidationResult Fail(ErrorCode code, string message) => new(code, message);

    /// <summary>Throws the PairDbException of a failed check; returns for a valid one.</summary>
    public void ThrowIfInvalid()
    {
        if (Error is { } code)
        {
            PairDbException.Throw(code, Message ?? ErrorCodes.Get(code).Meaning);
        }
    }
}
