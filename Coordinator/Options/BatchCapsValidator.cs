using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;

namespace PairDb.Coordinator.Options;

/// <summary>
/// The coordinator's own batches (coalesced node calls, hint replay) must fit the cluster's batch item
/// cap, which storage nodes enforce on every batch RPC: a larger one would be refused whole.
/// </summary>
public sealed class BatchCapsValidator(IOptions<ReplicationOptions> replication, IOptions<HintOptions> hints) : IValidateOptions<ValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, ValidationOptions options)
    {
        var failures = new List<string>();
        if (replication.Value.MaxBatchSize > options.MaxBatchItems)
        {
            failures.Add($"{ReplicationOptions.Section}:MaxBatchSize ({replication.Value.MaxBatchSize}) must not exceed Validation:MaxBatchItems ({options.MaxBatchItems})");
        }
        if (hints.Value.ReplayBatchSize > options.MaxBatchItems)
        {
            failures.Add($"{HintOptions.Section}:ReplayBatchSize ({hints.Value.ReplayBatchSize}) must not exceed Validation:MaxBatchItems ({options.MaxBatchItems})");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
