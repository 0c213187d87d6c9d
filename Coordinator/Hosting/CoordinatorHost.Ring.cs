using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Ring.Snapshots;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Hosting;

public static partial class CoordinatorHost
{
    /// <summary>
    /// The ring to serve from the first request on: read from PostgreSQL when it answers (after migrating, when asked),
    /// else the local snapshot (status degraded until PostgreSQL returns and the refresher reads it). The snapshot's
    /// version seeds the ring's in both cases, so versions keep growing across restarts. PostgreSQL unreachable
    /// and no snapshot: nothing to serve, start-up fails with <see cref="CoordinatorStartupException"/>.
    /// <c>--migrate</c> while PostgreSQL is unreachable is skipped with a warning when there is a snapshot: the
    /// schema cannot have changed under a database nobody can reach, and the next start with <c>--migrate</c> applies
    /// the migrations (a refusal would turn a database outage into a coordinator outage).
    /// </summary>
    private static async Task LoadRingAsync(IServiceProvider services, ILogger logger, bool migrate, string connectionString, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<RingSnapshotStore>();
        var registry = services.GetRequiredService<NodeRegistry>();
        var snapshot = ReadSnapshot(store, logger, out var snapshotProblem);
        if (snapshot is not null)
        {
            services.GetRequiredService<RingProvider>().SeedVersion(snapshot.Version);
        }

        var probe = services.GetRequiredService<MetadataProbe>();
        var probeOptions = services.GetRequiredService<IOptions<MetadataProbeOptions>>().Value;
        var probed = await probe.ProbeAsync(probeOptions.ProbeTimeout, cancellationToken);
        var waited = probeOptions.ProbeTimeout;
        if (probed == MetadataProbeResult.NoAnswerInTime && snapshot is null)
        {
            // Nothing else to serve: no answer yet is "slow" (a loaded host, a server just started), not "down".
            // The rest of StartupTimeout goes to one more probe; a refused connection would have failed at once.
            LogWaitingForFirstAnswer(logger, probeOptions.ProbeTimeout, probeOptions.StartupTimeout);
            probed = await probe.ProbeAsync(probeOptions.StartupTimeout - probeOptions.ProbeTimeout, cancellationToken);
            waited = probeOptions.StartupTimeout;
        }
        Exception? unreachable = null;
        if (probed == MetadataProbeResult.Answered)
        {
            try
            {
                if (migrate)
                {
                    await MetadataMigrator.ApplyAsync(connectionString, logger, cancellationToken);
                }
                var ring = await registry.ReloadAsync(cancellationToken);
                LogRingLoaded(logger, ring.Nodes.Count, ring.Members.Count);
                return;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
            {
                throw new InvalidOperationException(
                    "The metadata schema is missing: run the Migrations project or start the coordinator with --migrate.", e);
            }
            catch (Exception e) when (MetadataFailures.IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                // It answered the probe and went away before the read: same as not answering.
                services.GetRequiredService<MetadataAvailability>().ReportFailure(e);
                unreachable = e;
            }
        }

        var reason = unreachable?.Message ?? (probed == MetadataProbeResult.Failed
            ? "SELECT 1 failed (the metadata database error is logged above)"
            : $"no answer to SELECT 1 within {waited}");
        if (snapshot is null)
        {
            throw new CoordinatorStartupException(
                $"no ring snapshot in {store.Directory}{snapshotProblem} and PostgreSQL unreachable: {reason}. " +
                "Start PostgreSQL (or fix ConnectionStrings:Metadata); a coordinator needs one or the other to know where keys live.",
                unreachable);
        }
        if (migrate)
        {
            LogMigrationsSkipped(logger, reason);
        }
        var served = registry.ServeSnapshot(snapshot);
        services.GetRequiredService<Nodes.NodeIdentities>().LoadAll(snapshot.Nodes);
        LogServingSnapshot(logger, served.Version, served.Nodes.Count, served.Members.Count, snapshot.WrittenAt, store.FilePath, reason);
    }

    /// <summary>
    /// With PostgreSQL up, start-up ends with the jobs scheduled, as before the scheduler's start moved to the
    /// background; a database that vanishes meanwhile does not hold start-up (bounded by <see cref="JobStartWait"/>).
    /// </summary>
    private static async Task AwaitJobsAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        if (!services.GetRequiredService<MetadataAvailability>().IsAvailable)
        {
            return;
        }
        try
        {
            await services.GetRequiredService<Jobs.JobSchedulerStarter>().Started.WaitAsync(JobStartWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogJobsStillStarting(logger, JobStartWait);
        }
    }

    private static readonly TimeSpan JobStartWait = TimeSpan.FromSeconds(30);

    [LoggerMessage(EventId = 1133, Level = LogLevel.Warning, Message = "Job scheduler not started within {Wait}; serving, it keeps trying in the background")]
    private static partial void LogJobsStillStarting(ILogger logger, TimeSpan wait);

    private static RingSnapshot? ReadSnapshot(RingSnapshotStore store, ILogger logger, out string problem)
    {
        problem = "";
        try
        {
            return store.Load();
        }
        catch (Exception e) when (e is RingSnapshotCorruptException or IOException or UnauthorizedAccessException)
        {
            // Refused, never half-served; PostgreSQL (if it answers) rewrites it.
            problem = $" (the one there is unusable: {e.Message})";
            LogSnapshotUnusable(logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning,
        Message = "PostgreSQL unreachable at start-up ({Reason}); serving the ring snapshot version={Version} nodes={Nodes} members={Members} written_at={WrittenAt} path={Path}; status degraded until PostgreSQL returns")]
    private static partial void LogServingSnapshot(ILogger logger, long version, int nodes, int members, DateTimeOffset writtenAt, string path, string reason);

    [LoggerMessage(EventId = 1134, Level = LogLevel.Warning,
        Message = "No ring snapshot and no answer from PostgreSQL within {ProbeTimeout}; waiting for its first answer up to {StartupTimeout} in all (Metadata:StartupTimeout)")]
    private static partial void LogWaitingForFirstAnswer(ILogger logger, TimeSpan probeTimeout, TimeSpan startupTimeout);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Warning,
        Message = "--migrate skipped: PostgreSQL unreachable ({Reason}); the migrations run at the next start with --migrate")]
    private static partial void LogMigrationsSkipped(ILogger logger, string reason);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Error, Message = "Ring snapshot refused: {Problem}")]
    private static partial void LogSnapshotUnusable(ILogger logger, string problem);
}
