using PairDb.Coordinator.Replication.Hints;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Quartz job that replays hints (see <see cref="HintReplayer"/>); one run at a time across the
/// cluster of coordinators (clustered job store). Idempotent: a run cut short is redone by the next.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HintReplayJob(HintReplayer replayer) : IJob
{
    public static readonly JobKey Key = new("hint-replay", "hints");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await replayer.ReplayAsync(cancellationToken);
}
