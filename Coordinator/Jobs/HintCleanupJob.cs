using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints;
using PairDb.Coordinator.Telemetry;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>Deletes hints older than <c>PairDb:Hints:Ttl</c> (default 7 days), replayed or not; counted in <c>hints_cleanup_deleted_total</c>.</summary>
[DisallowConcurrentExecution]
public sealed partial class HintCleanupJob(
    HintDatabase database, ReplicationMetrics metrics, IOptions<HintOptions> options, ILogger<HintCleanupJob> logger) : IJob
{
    public static readonly JobKey Key = new("hint-cleanup", "hints");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM hints WHERE created_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.Ttl });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0)
        {
            metrics.HintsCleanedUp(deleted);
            LogCleanedUp(logger, deleted, options.Value.Ttl);
        }
        context.Result = deleted;
    }

    [LoggerMessage(EventId = 340, Level = LogLevel.Information, Message = "Hint cleanup deleted={Deleted} ttl={Ttl}")]
    private static partial void LogCleanedUp(ILogger logger, int deleted, TimeSpan ttl);
}
