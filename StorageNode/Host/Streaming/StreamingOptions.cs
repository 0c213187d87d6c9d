using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;

namespace PairDb.StorageNode.Streaming;

/// <summary>Node side of runbook 3.3's streaming settings (section <c>PairDb:StorageNode:Streaming</c>).</summary>
public sealed class StreamingOptions
{
    public const string SectionName = Configuration.NodeOptions.SectionName + ":Streaming";

    /// <summary>Keys per StreamRange batch when the request leaves batch_size at 0 (runbook batch_size). Default 1000.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Keys FetchRanges buffers between receiving and applying when the request leaves stream_buffer at 0. Default 10000.</summary>
    public int StreamBuffer { get; set; } = 10000;

    /// <summary>Parallel workers of RangeDigests (runbook checksum_workers). Default half the cores, at least 1: digests run beside client traffic.</summary>
    public int ChecksumWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>A StreamRange batch is cut at this many bytes even before batch_size keys (large values). Default 8 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 8 << 20;
}

/// <summary>
/// Start-up check of <see cref="StreamingOptions"/>; each failure names its setting. A batch may not be
/// cut later than the cluster's batch byte cap, or it could outgrow the one message budget.
/// </summary>
public sealed class StreamingOptionsValidator(IOptions<ValidationOptions> validation) : IValidateOptions<StreamingOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamingOptions options)
    {
        var problems = new List<string>();
        const string Prefix = StreamingOptions.SectionName + ":";
        if (options.BatchSize is < 1 or > StreamLimits.MaxBatchSize)
        {
            problems.Add($"{Prefix}BatchSize must be 1..{StreamLimits.MaxBatchSize} (is {options.BatchSize})");
        }

        if (options.StreamBuffer < 1)
        {
            problems.Add($"{Prefix}StreamBuffer must be at least 1 (is {options.StreamBuffer})");
        }

        if (options.ChecksumWorkers is < 1 or > 64)
        {
            problems.Add($"{Prefix}ChecksumWorkers must be 1..64 (is {options.ChecksumWorkers})");
        }

        if (options.MaxBatchBytes < 64 << 10)
        {
            problems.Add($"{Prefix}MaxBatchBytes must be at least 64 KiB (is {options.MaxBatchBytes})");
        }

        if (options.MaxBatchBytes > validation.Value.MaxBatchBytes)
        {
            problems.Add($"{Prefix}MaxBatchBytes ({options.MaxBatchBytes}) must not exceed {Configuration.NodeOptions.SectionName}:Validation:MaxBatchBytes ({validation.Value.MaxBatchBytes})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Hard bounds on what a streaming request may ask for.</summary>
public static class StreamLimits
{
    public const int MaxBatchSize = 100_000;
}
