using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Api.Admission;

/// <summary>
/// The coordinator-wide admission of client requests (issue 13): a request whose deadline already passed
/// is not started (TIMEOUT), and one that would take the requests (items) or bytes being served past
/// <see cref="AdmissionOptions"/> is refused (OVERLOADED), both before any work is shared with other
/// requests. Two interlocked counters: no lock, no queue, nothing to drain. A request over a limit on its
/// own is admitted when it is alone, so every request the validation limits accept can be served.
/// </summary>
public sealed class InFlightLimiter
{
    private readonly int _maxRequests;
    private readonly long _maxBytes;
    private readonly OverloadMetrics _metrics;
    private readonly TimeProvider _time;
    private long _requests;
    private long _bytes;

    public InFlightLimiter(IOptions<AdmissionOptions> options, OverloadMetrics metrics, TimeProvider time)
    {
        _maxRequests = options.Value.MaxInFlightRequests;
        _maxBytes = options.Value.MaxInFlightBytes;
        _metrics = metrics;
        _time = time;
        metrics.ObserveInFlight(() => Volatile.Read(ref _requests));
    }

    /// <summary>
    /// Admits a request of <paramref name="items"/> items and <paramref name="bytes"/> encoded bytes, or throws
    /// PairDbException: TIMEOUT when <paramref name="deadline"/> (UTC) passed or the call was cancelled,
    /// OVERLOADED when a limit is reached. Dispose the permit when the request is answered.
    /// </summary>
    public Permit Enter(string operation, DateTime deadline, CancellationToken callCancelled, int items, long bytes)
    {
        if (callCancelled.IsCancellationRequested || deadline <= _time.GetUtcNow().UtcDateTime)
        {
            _metrics.RequestExpired(operation);
            PairDbException.Throw(ErrorCode.Timeout, "the request's deadline passed before the coordinator started it; nothing was done");
        }
        var requests = Interlocked.Add(ref _requests, items);
        var held = Interlocked.Add(ref _bytes, bytes);
        if ((requests > _maxRequests && requests != items) || (held > _maxBytes && held != bytes))
        {
            Interlocked.Add(ref _requests, -items);
            Interlocked.Add(ref _bytes, -bytes);
            _metrics.RequestsOverloaded(operation, items);
            PairDbException.Throw(ErrorCode.Overloaded,
                $"the coordinator is serving its limit of {_maxRequests} requests / {_maxBytes} bytes; nothing was done, retry after a backoff");
        }
        return new Permit(this, items, bytes);
    }

    /// <summary>What one admitted request holds; disposing gives it back (once: it is a struct held by one caller).</summary>
    public readonly struct Permit(InFlightLimiter limiter, int items, long bytes) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Add(ref limiter._requests, -items);
            Interlocked.Add(ref limiter._bytes, -bytes);
        }
    }
}
