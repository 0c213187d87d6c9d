using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Disk;

/// <summary>Disk manager log lines; the warning keeps the runbook's exact wording (section 6.3).</summary>
internal static partial class DiskLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Disk usage warning usage={Usage}% threshold={Threshold}% available={Available}")]
    public static partial void UsageWarning(ILogger logger, string usage, string threshold, string available);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Disk throttle ENGAGED usage={Usage}% threshold={Threshold}% available={Available} min_available={MinAvailable} engaged_by={EngagedBy}")]
    public static partial void ThrottleEngaged(ILogger logger, string usage, string threshold, string available, string minAvailable, string engagedBy);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Disk throttle DISENGAGED usage={Usage}% threshold={Threshold}%")]
    public static partial void ThrottleDisengaged(ILogger logger, string usage, string threshold);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Disk circuit breaker ENGAGED usage={Usage}% threshold={Threshold}% available={Available} min_available={MinAvailable} engaged_by={EngagedBy}")]
    public static partial void CircuitBreakerEngaged(ILogger logger, string usage, string threshold, string available, string minAvailable, string engagedBy);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Disk circuit breaker DISENGAGED usage={Usage}% threshold={Threshold}%")]
    public static partial void CircuitBreakerDisengaged(ILogger logger, string usage, string threshold);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Disk usage sample failed directory={Directory}")]
    public static partial void SampleFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Disk thresholds changed warning={Warning}% throttle={Throttle}% circuit_breaker={CircuitBreaker}% source={Source}")]
    public static partial void ThresholdsChanged(ILogger logger, string warning, string throttle, string circuitBreaker, string source);
}
