using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Hosting;

/// <summary>
/// Whether the node accepts writes apart from disk state: maintenance mode (runbook 1.4) refuses
/// writes with NODE_NOT_READY while reads keep working. Not persisted: a restart leaves maintenance.
/// </summary>
public sealed partial class NodeMode(ILogger<NodeMode> logger, TimeProvider time)
{
    private volatile MaintenanceState? _maintenance;

    public bool InMaintenance => _maintenance is not null;

    /// <summary>When maintenance began, and the operator's stated reason; null outside maintenance.</summary>
    public MaintenanceState? Maintenance => _maintenance;

    /// <summary>Enters maintenance; false when already in it (the original start time is kept).</summary>
    public bool EnterMaintenance(string? reason)
    {
        var state = new MaintenanceState(time.GetUtcNow(), reason);
        if (Interlocked.CompareExchange(ref _maintenance, state, null) is not null)
        {
            return false;
        }

        LogEntered(logger, reason ?? "");
        return true;
    }

    /// <summary>Leaves maintenance; false when not in it.</summary>
    public bool ExitMaintenance()
    {
        var previous = Interlocked.Exchange(ref _maintenance, null);
        if (previous is null)
        {
            return false;
        }

        LogExited(logger, (time.GetUtcNow() - previous.Since).TotalSeconds);
        return true;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Maintenance mode ENABLED writes=rejected reason=\"{Reason}\"")]
    private static partial void LogEntered(ILogger logger, string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Maintenance mode DISABLED writes=accepted duration={DurationSeconds:0.#}s")]
    private static partial void LogExited(ILogger logger, double durationSeconds);
}

/// <summary>Maintenance start time and reason.</summary>
public sealed record MaintenanceState(DateTimeOffset Since, string? Reason);
