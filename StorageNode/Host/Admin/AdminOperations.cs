using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Long admin operations (manual compactions, integrity scans) run here rather than on the HTTP
/// request: each named operation runs at most once at a time — a second request for a running one
/// joins it — and is cancelled only when the node stops. The last run of each name is kept for the
/// status endpoints.
/// </summary>
public sealed class AdminOperations(IHostApplicationLifetime lifetime, TimeProvider time, ILogger<AdminOperations> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AdminOperation> _operations = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="name"/> unless it is running already, in which case the running one is returned.</summary>
    public AdminOperation Start(string name, Func<CancellationToken, Task<object>> work)
    {
        lock (_lock)
        {
            if (_operations.TryGetValue(name, out var current) && current.IsRunning)
            {
                return current;
            }

            var operation = new AdminOperation(name, time.GetUtcNow());
            _operations[name] = operation;
            operation.Completion = RunAsync(operation, work);
            return operation;
        }
    }

    /// <summary>The running or last run of <paramref name="name"/>; null if it never ran.</summary>
    public AdminOperation? Get(string name)
    {
        lock (_lock)
        {
            return _operations.GetValueOrDefault(name);
        }
    }

    /// <summary>Every operation that ran since start, by name.</summary>
    public IReadOnlyList<AdminOperation> All()
    {
        lock (_lock)
        {
            var list = new List<AdminOperation>(_operations.Values);
            list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }
    }

    // Never faults: the outcome is recorded on the operation, so a request that did not wait leaves no unobserved exception.
    private async Task RunAsync(AdminOperation operation, Func<CancellationToken, Task<object>> work)
    {
        var started = Stopwatch.GetTimestamp();
        AdminLog.OperationStarted(logger, operation.Name);
        try
        {
            var result = await Task.Run(() => work(lifetime.ApplicationStopping)).ConfigureAwait(false);
            operation.Finish(time.GetUtcNow(), Stopwatch.GetElapsedTime(started), result, error: null);
            AdminLog.OperationCompleted(logger, operation.Name, (long)operation.Duration!.Value.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            operation.Finish(time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, "cancelled: the node is stopping");
        }
        catch (Exception e)
        {
            // Any failure of the work (I/O, corrupt input, engine closed) is the operation's outcome, reported to the operator.
            operation.Finish(time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, e.Message);
            AdminLog.OperationFailed(logger, operation.Name, e.Message, e);
        }
    }
}

/// <summary>One run of an admin operation.</summary>
public sealed class AdminOperation(string name, DateTimeOffset startedAt)
{
    private volatile State? _outcome;

    public string Name { get; } = name;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public bool IsRunning => _outcome is null;

    public bool Failed => _outcome?.Error is not null;

    public DateTimeOffset? FinishedAt => _outcome?.FinishedAt;

    public TimeSpan? Duration => _outcome?.Duration;

    public object? Result => _outcome?.Result;

    public string? Error => _outcome?.Error;

    /// <summary>Completes when the operation has finished (never faults).</summary>
    public Task Completion { get; internal set; } = Task.CompletedTask;

    internal void Finish(DateTimeOffset at, TimeSpan duration, object? result, string? error) =>
        _outcome = new State(at, duration, result, error);

    /// <summary>The JSON the admin API shows for it.</summary>
    public object Describe() => new
    {
        operation = Name,
        state = IsRunning ? "running" : Failed ? "failed" : "completed",
        started_at = StartedAt,
        finished_at = FinishedAt,
        duration_ms = Duration is { } d ? Math.Round(d.TotalMilliseconds, 1) : (double?)null,
        result = Result,
        error = Error,
    };

    private sealed record State(DateTimeOffset FinishedAt, TimeSpan Duration, object? Result, string? Error);
}

internal static partial class AdminLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Admin operation started operation={Operation}")]
    public static partial void OperationStarted(ILogger logger, string operation);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Admin operation completed operation={Operation} duration={DurationMs}ms")]
    public static partial void OperationCompleted(ILogger logger, string operation, long durationMs);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Admin operation failed operation={Operation} error=\"{Error}\"")]
    public static partial void OperationFailed(ILogger logger, string operation, string error, Exception exception);
}
