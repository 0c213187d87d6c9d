using Microsoft.Extensions.Options;

namespace PairDb.Contracts.Validation;

/// <summary>Start-up check of <see cref="ValidationOptions"/>; the failure names each bad setting.</summary>
public sealed class ValidationOptionsValidator : IValidateOptions<ValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, ValidationOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
