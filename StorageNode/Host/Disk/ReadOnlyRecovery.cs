using Microsoft.Extensions.Logging;
using PairDb.Engine;

namespace PairDb.StorageNode.Disk;

/// <summary>
/// Brings a read-only engine back (see <see cref="LsmEngine.TryResumeWrites"/>) once the disk allows it: called at
/// every disk sample. A read-only state caused by a full disk is retried only when the circuit breaker is
/// disengaged — retrying earlier would fail the same way and fill the log with it; an I/O error is retried at every
/// sample, since no measurement tells when it has cleared. <see cref="WaitingFor"/> says what it waits for.
/// </summary>
public sealed partial class ReadOnlyRecovery(LsmEngine engine, DiskManager disk, ILogger<ReadOnlyRecovery> logger)
{
    private volatile string? _waitingFor;

    /// <summary>Why no resume was tried at the last sample, or null (writable, or a resume was tried).</summary>
    public string? WaitingFor => _waitingFor;

    /// <summary>Tries a resume if the engine is read-only and the disk has room; true when the engine takes writes.</summary>
    public bool Tick()
    {
        if (engine.WriteFailure is not { } failure)
        {
            _waitingFor = null;
            return true;
        }

        var status = disk.Status;
        if (failure.DiskFull && status.IsCircuitBroken)
        {
            var waiting = $"disk space: the circuit breaker is engaged (usage {Sizes.Percent(status.Usage.UsagePercent)}%, "
                + $"{Sizes.Bytes(status.Usage.WritableBytes)} available, needs {Sizes.Bytes(status.Floors.CircuitBreaker)} and usage below {Sizes.Percent(status.Thresholds.CircuitBreaker)}%)";
            if (_waitingFor != waiting)
            {
                LogWaiting(logger, failure.Operation, waiting);
            }

            _waitingFor = waiting;
            return false;
        }

        _waitingFor = null;
        try
        {
            return engine.TryResumeWrites();
        }
        catch (ObjectDisposedException)
        {
            return false; // shutting down
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Storage engine read-only after operation={Operation} failure; resume waits for {WaitingFor}")]
    private static partial void LogWaiting(ILogger logger, string operation, string waitingFor);
}
