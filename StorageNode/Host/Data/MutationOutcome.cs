using System.Runtime.ExceptionServices;

namespace PairDb.StorageNode.Data;

/// <summary>
/// One mutation's outcome in a batch: the stored result, or the exception that failed it. A mutation
/// that fails on its own (its request's fault, or a key whose stored set cannot be read) fails alone;
/// only a failed engine write fails every mutation that was in it.
/// </summary>
public readonly record struct MutationOutcome(StoredVersions Stored, Exception? Failure)
{
    public bool Succeeded => Failure is null;

    public static MutationOutcome Applied(StoredVersions stored) => new(stored, null);

    public static MutationOutcome Failed(Exception failure) => new(default, failure);

    /// <summary>The stored result; rethrows the failure (with its original stack) when there is one.</summary>
    public StoredVersions StoredOrThrow()
    {
        if (Failure is not null)
        {
            ExceptionDispatchInfo.Throw(Failure);
        }

        return Stored;
    }
}
