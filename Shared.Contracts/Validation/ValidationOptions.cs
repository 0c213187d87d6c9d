namespace PairDb.Contracts.Validation;

/// <summary>
/// Request validation settings (configuration section <c>validation</c>, runbook 5.3). Size limits
/// are always enforced, for trusted clients too: they protect memory and disks.
/// </summary>
public sealed class ValidationOptions
{
    public const string SectionName = "validation";

    /// <summary>Largest key in bytes. Default 1024.</summary>
    public int MaxKeyBytes { get; set; } = 1024;

    /// <summary>Largest value in bytes. Default 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest serialized causal context in bytes. Default 16 KiB.</summary>
    public int MaxContextBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Most entries (nodes) in a causal context. Default 50 (Riak's big_vclock). Contexts the cluster
    /// hands out are pruned to this length, so a context read back is always accepted.
    /// </summary>
    public int MaxContextEntries { get; set; } = 50;

    /// <summary>
    /// How far past the counter a replica holds for another actor a client context may claim (a
    /// replica may lag its peers by that many writes of one key). Counters of the coordinating
    /// replica's own incarnation may never exceed what it holds: it alone mints them. Default 1,000,000;
    /// at most <see cref="Versioning.Dot.MaxCounter"/>. Enforced by the storage node coordinating a
    /// write or delete (<see cref="Versioning.ContextCheck"/>), with INVALID_VECTOR_CLOCK (1005).
    /// </summary>
    public ulong MaxContextCounterLead { get; set; } = 1_000_000;

    /// <summary>
    /// Most siblings a coordinated write may leave on a key (Riak's max_siblings); a write that would
    /// leave more, and more than before, fails with TOO_MANY_SIBLINGS (1007). Default 100.
    /// </summary>
    public int MaxSiblings { get; set; } = 100;

    /// <summary>Sibling count above which a write is logged and counted as a warning. Default 25.</summary>
    public int WarnSiblings { get; set; } = 25;

    /// <summary>
    /// Largest stored object (the key's serialized sibling set after the write) a coordinated write
    /// may leave, in bytes; a write that would leave a larger one, and larger than before, fails with
    /// OBJECT_TOO_LARGE (1008). Default 4 MiB.
    /// </summary>
    public int MaxObjectBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Stored object size above which a write is logged and counted as a warning. Default 2 MiB.</summary>
    public int WarnObjectBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Most items in one batch request (client or internal). Default 1000.</summary>
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>Largest batch request in bytes (keys, values, contexts of all items). Default 16 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Replicas whose concurrently accepted siblings a merge may join: the object limit holds for each
    /// coordinated write, so a read or a replication of the merge of N replicas may carry up to N times
    /// it. Messages are sized for this many (N up to 4 stays readable).
    /// </summary>
    public const int MergedObjectFactor = 4;

    /// <summary>Room for a message's framing, tenant, key and context around its payload.</summary>
    public const int MessageEnvelopeBytes = 1024 * 1024;

    /// <summary>
    /// The one gRPC message size budget every channel and server uses (client SDK, coordinator,
    /// coordinator-to-node and node-to-node channels, hint replay, streaming), derived from the limits
    /// above so that everything accepted can be read back, replicated, hinted and streamed. Every batch
    /// (client replies, coalesced node calls, hint replay, streaming) is cut once it reaches
    /// <see cref="MaxBatchBytes"/>, so it never exceeds that plus one largest merged object.
    /// </summary>
    public int MaxMessageBytes => (int)Math.Min(int.MaxValue, MessageBytes());

    private long MessageBytes() => (long)MaxBatchBytes + ((long)MergedObjectFactor * MaxObjectBytes) + MessageEnvelopeBytes;

    /// <summary>Reject NUL and control bytes in keys. Default true.</summary>
    public bool EnableSecurityChecks { get; set; } = true;

    /// <summary>Fully parse the causal context (beyond its size and entry count). Default true.</summary>
    public bool EnableVectorClockChecks { get; set; } = true;

    /// <summary>Let trusted clients skip the costly checks (never the size limits). Default true.</summary>
    public bool SkipValidationForTrusted { get; set; } = true;

    /// <summary>Client identities treated as trusted. Default none.</summary>
    public IList<string> TrustedClients { get; } = [];

    /// <summary>True when requests of <paramref name="clientId"/> may skip the costly checks.</summary>
    public bool IsTrusted(string? clientId)
    {
        if (!SkipValidationForTrusted || clientId is null)
        {
            return false;
        }

        foreach (var trusted in TrustedClients)
        {
            if (string.Equals(trusted, clientId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The problems with these settings, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxKeyBytes < 1)
        {
            problems.Add($"validation:MaxKeyBytes must be at least 1 (is {MaxKeyBytes})");
        }

        if (MaxValueBytes < 0)
        {
            problems.Add($"validation:MaxValueBytes must not be negative (is {MaxValueBytes})");
        }

        if (MaxContextBytes < 2)
        {
            problems.Add($"validation:MaxContextBytes must be at least 2 (is {MaxContextBytes})");
        }

        if (MaxContextEntries < 1)
        {
            problems.Add($"validation:MaxContextEntries must be at least 1 (is {MaxContextEntries})");
        }

        if (MaxContextCounterLead > Versioning.Dot.MaxCounter)
        {
            problems.Add($"validation:MaxContextCounterLead must be at most {Versioning.Dot.MaxCounter} (is {MaxContextCounterLead})");
        }

        if (MaxSiblings < 1 || WarnSiblings < 1 || WarnSiblings > MaxSiblings)
        {
            problems.Add($"validation:WarnSiblings ({WarnSiblings}) and validation:MaxSiblings ({MaxSiblings}) must be at least 1, warning not above the maximum");
        }

        // A write resolving every sibling leaves one value and its context: it must always fit.
        var smallestObjectLimit = (long)MaxValueBytes + MaxKeyBytes + (2L * MaxContextBytes) + 1024;
        if (MaxObjectBytes < smallestObjectLimit)
        {
            problems.Add($"validation:MaxObjectBytes ({MaxObjectBytes}) must be at least {smallestObjectLimit} (a largest value with a full context)");
        }

        if (WarnObjectBytes < 1 || WarnObjectBytes > MaxObjectBytes)
        {
            problems.Add($"validation:WarnObjectBytes ({WarnObjectBytes}) must be in 1..MaxObjectBytes ({MaxObjectBytes})");
        }

        if (MaxBatchItems < 1)
        {
            problems.Add($"validation:MaxBatchItems must be at least 1 (is {MaxBatchItems})");
        }

        // A batch of one largest item must be accepted.
        var smallestBatchLimit = (long)MaxValueBytes + MaxKeyBytes + MaxContextBytes + 1024;
        if (MaxBatchBytes < smallestBatchLimit)
        {
            problems.Add($"validation:MaxBatchBytes ({MaxBatchBytes}) must be at least {smallestBatchLimit} (one largest item)");
        }

        if (MessageBytes() > int.MaxValue)
        {
            problems.Add($"validation:MaxBatchBytes ({MaxBatchBytes}) and validation:MaxObjectBytes ({MaxObjectBytes}) make a message budget over 2 GiB");
        }

        return problems;
    }
}
