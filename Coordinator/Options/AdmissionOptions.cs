using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// How much client work the coordinator serves at once (KeyValueService). Past either limit a request is
/// refused at once with OVERLOADED (2006, retriable, nothing done) and counted in
/// <c>requests_overloaded_total</c>, instead of queueing in memory. Section <c>PairDb:Admission</c>.
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "PairDb:Admission";

    /// <summary>
    /// Client requests served at once, a batch counting one per item. Default 4096: 32 full replica batches
    /// (4 nodes x 8 in flight x 128) of work, far more than a coordinator's replica batches drain in one
    /// replica timeout, so a healthy cluster never hits it while a stalled one stops taking work at a
    /// bounded size rather than queueing without end. A single request larger than the limit is served
    /// only alone.
    /// </summary>
    public int MaxInFlightRequests { get; set; } = 4096;

    /// <summary>
    /// Encoded bytes of the client requests served at once. Default 256 MiB: what the coordinator keeps of a
    /// write (request, the stored sibling set, a hint copy) is a few times its size, so this holds the
    /// data path's share of memory near 1 GiB even when every request is a largest value. A single
    /// request larger than the limit is served only alone.
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 256L * 1024 * 1024;
}

public sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        const string P = AdmissionOptions.Section + ":";
        var failures = new List<string>();
        if (options.MaxInFlightRequests < 1)
        {
            failures.Add($"{P}MaxInFlightRequests {options.MaxInFlightRequests} must be at least 1");
        }
        if (options.MaxInFlightBytes < 1024 * 1024)
        {
            failures.Add($"{P}MaxInFlightBytes {options.MaxInFlightBytes} must be at least 1 MiB (1048576)");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
