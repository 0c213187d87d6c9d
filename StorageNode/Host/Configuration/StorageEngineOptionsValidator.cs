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
        catch (ArgumentNullException e)
        {
            return ValidateOptionsResult.Fail($"{StorageEngineOptions.SectionName}:{e.ParamName}: must not be empty");
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{StorageEngineOptions.SectionName}:{KeyOf(e)}: {e.Message}");
        }
    }

    // The engine names a nested setting in its message ("Compaction.Level0Trigger must ...", "Pools.FlushPool.QueueSize ...");
    // the operator needs the configuration key, where the pools live under WorkerPools.
    private static string KeyOf(ArgumentException e)
    {
        var message = e.Message;
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        var first = space > 0 ? message[..space] : "";
        if (first.Contains('.', StringComparison.Ordinal))
        {
            var key = first.Replace('.', ':');
            return key.StartsWith("Pools:", StringComparison.Ordinal) ? "WorkerPools" + key["Pools".Length..] : key;
        }

        return e.ParamName ?? "?";
    }
}
