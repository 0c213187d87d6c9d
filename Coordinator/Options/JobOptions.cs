using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// The coordinator's Quartz scheduler: a clustered ADO.NET job store in the metadata database
/// (tables <c>qrtz_*</c>). Section <c>PairDb:Jobs</c>.
/// </summary>
public sealed class JobOptions
{
    public const string Section = "PairDb:Jobs";

    /// <summary>
    /// This coordinator's id in the Quartz cluster (qrtz_scheduler_state.instance_name), unique per
    /// coordinator and the same across its restarts: a coordinator that comes back under its old id
    /// recovers the jobs it was running when it died at once, instead of waiting for a peer to notice
    /// its missed check-ins. Default: machine name and gRPC port, <c>{MachineName}-{GrpcPort}</c>.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>How often this coordinator records in the database that it is alive. Default 5 seconds.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the other coordinators wait before taking over this one's
    /// jobs (Quartz's cluster check-in misfire threshold). Default 10 seconds.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an idle scheduler waits before it looks for due triggers again. A trigger stored or
    /// released by another coordinator is noticed only then, so this bounds how late such a firing
    /// can be (Quartz's default is 30 s). At least 1 second. Default 5 seconds.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the job store waits before retrying after PostgreSQL failed it (Quartz's DbRetryInterval, default
    /// 15 s there): how soon jobs and topology changes resume after an outage. Default 2 seconds.
    /// </summary>
    public TimeSpan DbFailureRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Jobs this coordinator runs at once (Quartz thread pool). Default 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The instance id this coordinator uses: <see cref="InstanceId"/>, else derived from the host and gRPC port.</summary>
    public string ResolveInstanceId(int grpcPort) =>
        string.IsNullOrWhiteSpace(InstanceId) ? $"{Environment.MachineName}-{grpcPort}" : InstanceId.Trim();
}

public sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    /// <summary>qrtz_scheduler_state.instance_name holds any text, but the id also goes into logs and fired-trigger rows.</summary>
    public const int MaxInstanceIdLength = 200;

    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        const string P = JobOptions.Section + ":";
        var failures = new List<string>();
        if (options.InstanceId is { } id && (id.Trim().Length is 0 or > MaxInstanceIdLength))
        {
            failures.Add($"{P}InstanceId '{id}' must be 1..{MaxInstanceIdLength} characters when set");
        }
        if (options.CheckinInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{P}CheckinInterval {options.CheckinInterval} must be at least 100 ms");
        }
        if (options.CheckinMisfireThreshold < options.CheckinInterval)
        {
            failures.Add($"{P}CheckinMisfireThreshold {options.CheckinMisfireThreshold} must be at least CheckinInterval ({options.CheckinInterval})");
        }
        if (options.IdleWaitTime < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{P}IdleWaitTime {options.IdleWaitTime} must be at least 1 second");
        }
        if (options.DbFailureRetryInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{P}DbFailureRetryInterval {options.DbFailureRetryInterval} must be at least 100 ms");
        }
        if (options.MaxConcurrency is < 1 or > 64)
        {
            failures.Add($"{P}MaxConcurrency {options.MaxConcurrency} must be in 1..64");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
