using PairDb.Coordinator.Replication.Hints;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Quartz job that replays hints (see <see cref="HintReplayer"/>); one run at a time. Scheduled in
/// the in-memory (RAM) job store for now: it is idempotent and re-created at start-up, and the
/// topology issue moves all jobs to the clustered ADO.NET store.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HintReplayJob(HintReplayer replayer) : IJob
{
    public static readonly JobKey Key = new("hint-replay", "hints");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await replayer.ReplayAsync(cancellationToken);
}
