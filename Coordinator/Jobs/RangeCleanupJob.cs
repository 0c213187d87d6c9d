using PairDb.Coordinator.Cleanup;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Drops the ranges nodes gave up in completed topology changes once their grace period is over and
/// a quorum of the current owners is shown to hold the data (<see cref="RangeCleanupService"/>).
/// Every <c>PairDb:Topology:CleanupRetryInterval</c>; one run at a time across all coordinators.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RangeCleanupJob(RangeCleanupService cleanup) : IJob
{
    public static readonly JobKey Key = new("range-cleanup", "topology");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var summary = await cleanup.RunOnceAsync(cancellationToken);
        context.Result = summary.TasksExecuted;
    }
}
