namespace PairDb.Coordinator.Data;

/// <summary>
/// Whether PostgreSQL answers right now, as last seen by <see cref="MetadataProbe"/> (every
/// <c>PairDb:Metadata:ProbeInterval</c>) or by any caller that just failed or succeeded against it. The data path
/// never waits on it; it tells /health, the job scheduler's start, the admin API (fail fast with 503 instead of
/// waiting out a connect timeout) and the API key cache that the database is away. Exported as the gauge
/// <c>metadata_available</c> (1 or 0, <see cref="Telemetry.CoordinatorMetrics"/>); transitions are logged with the
/// outage's duration.
/// </summary>
public sealed partial class MetadataAvailability
{
    private readonly TimeProvider _time;
    private readonly ILogger<MetadataAvailability> _logger;
    private readonly Lock _lock = new();
    private TaskCompletionSource _available = NewSignal();
    private DateTimeOffset? _unavailableSince;
    private bool _known;

    public MetadataAvailability(TimeProvider time, ILogger<MetadataAvailability> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>True until a failure is reported, and again after the next success.</summary>
    public bool IsAvailable
    {
        get
        {
            lock (_lock)
            {
                return _unavailableSince is null;
            }
        }
    }

    /// <summary>When the current outage was first noticed; null while PostgreSQL answers.</summary>
    public DateTimeOffset? UnavailableSince
    {
        get
        {
            lock (_lock)
            {
                return _unavailableSince;
            }
        }
    }

    /// <summary>Completes once PostgreSQL has answered (at once if it has and still does).</summary>
    public Task WaitUntilAvailableAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            signal = _available.Task;
        }
        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>Throws <see cref="MetadataUnavailableException"/> during an outage: for operations that would only wait and fail.</summary>
    public void ThrowIfUnavailable()
    {
        if (UnavailableSince is { } since)
        {
            throw new MetadataUnavailableException(since);
        }
    }

    /// <summary>PostgreSQL could not be reached (connect failure, timeout); call it for connection failures only, not SQL errors.</summary>
    public void ReportFailure(Exception exception)
    {
        lock (_lock)
        {
            if (_unavailableSince is not null)
            {
                return;
            }
            _unavailableSince = _time.GetUtcNow();
            _known = true;
            if (_available.Task.IsCompleted)
            {
                _available = NewSignal();
            }
        }
        LogUnavailable(exception.GetType().Name, exception.Message);
    }

    public void ReportSuccess()
    {
        DateTimeOffset? since;
        TaskCompletionSource signal;
        bool first;
        lock (_lock)
        {
            since = _unavailableSince;
            first = !_known;
            _known = true;
            _unavailableSince = null;
            signal = _available;
        }
        signal.TrySetResult();
        if (since is { } began)
        {
            LogAvailableAgain(_time.GetUtcNow() - began);
        }
        else if (first)
        {
            LogAvailable();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Error,
        Message = "Metadata database unavailable ({ErrorType}: {Error}); serving from the ring in memory, topology changes and jobs pause")]
    private partial void LogUnavailable(string errorType, string error);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "Metadata database available again after outage_duration={Duration}")]
    private partial void LogAvailableAgain(TimeSpan duration);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Information, Message = "Metadata database available")]
    private partial void LogAvailable();
}

/// <summary>
/// An operation needs PostgreSQL and PostgreSQL is away: the admin API answers 503 / UNAVAILABLE with pairdb code
/// NODE_NOT_READY (2001) and "metadata database unavailable" at once, rather than after a connect timeout.
/// </summary>
public sealed class MetadataUnavailableException(DateTimeOffset since)
    : Exception($"metadata database unavailable since {since:O}; membership changes, topology changes and jobs resume when it returns (data reads and writes go on)");
