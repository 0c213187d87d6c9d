using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Configuration;

/// <summary>Runs the engine's own option checks at start-up and names the setting by its configuration key.</summary>
public sealed class StorageEngineOptionsValidator : IValidateOptions<StorageEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageEngineOptions options)
    {
        try
        {
            options.ToEngineOptions("/unused", NullLoggerFactory.Instance, TimeProvider.System).Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{StorageEngineOptions.SectionName}:{e.ParamName}: {e.Message}");
        }
    }
}
