using Microsoft.Extensions.Logging;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Data;

/// <summary>
/// The sibling and stored-object limits (ValidationOptions MaxSiblings, MaxObjectBytes and their
/// warning thresholds), checked on the coordinating replica for the writes that mint a dot there.
/// <para>
/// A write is refused (TOO_MANY_SIBLINGS 1007, OBJECT_TOO_LARGE 1008, nothing stored) only when it
/// would leave the key over a limit AND worse than it is now. So a write that replaces siblings (one
/// with the context of a read replaces every sibling it saw) is always accepted, even on a key that
/// merges have taken over the limit: the key stays readable and writable, and the way out is the one a
/// client resolving siblings takes anyway.
/// </para>
/// <para>
/// Merges (replica writes, repair, hints, streaming) are never checked: the write they carry was
/// already accepted by its coordinating replica and acknowledged or hinted, and refusing it here would
/// leave the replicas diverged for good. Merges can therefore take a key past the limits by at most the
/// siblings written concurrently through other replicas (<see cref="ValidationOptions.MergedObjectFactor"/>).
/// </para>
/// </summary>
public sealed partial class ObjectLimits
{
    /// <summary>Below this interval, warnings and refusals of a hot key are counted but not each logged.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly int _maxSiblings;
    private readonly int _warnSiblings;
    private readonly int _maxObjectBytes;
    private readonly int _warnObjectBytes;
    private readonly StorageNodeMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly LogThrottle _warningLog;
    private readonly LogThrottle _refusalLog;

    public ObjectLimits(ValidationOptions options, StorageNodeMetrics? metrics, ILogger<ObjectLimits> logger, TimeProvider time)
    {
        _maxSiblings = options.MaxSiblings;
        _warnSiblings = options.WarnSiblings;
        _maxObjectBytes = options.MaxObjectBytes;
        _warnObjectBytes = options.WarnObjectBytes;
        _metrics = metrics;
        _logger = logger;
        _warningLog = new LogThrottle(LogInterval, time);
        _refusalLog = new LogThrottle(LogInterval, time);
    }

    /// <summary>No limits and no warnings (tools and tests that build a store by hand).</summary>
    public static ObjectLimits None { get; } = new(
        new ValidationOptions { MaxSiblings = int.MaxValue, WarnSiblings = int.MaxValue, MaxObjectBytes = int.MaxValue, WarnObjectBytes = int.MaxValue },
        null, Microsoft.Extensions.Logging.Abstractions.NullLogger<ObjectLimits>.Instance, TimeProvider.System);

    /// <summary>
    /// Throws TOO_MANY_SIBLINGS or OBJECT_TOO_LARGE when <paramref name="mutation"/>, a coordinated write
    /// or delete, would take the key from <paramref name="current"/> to <paramref name="next"/> over a
    /// limit; counts and logs (throttled) one that only passes a warning threshold. Merges pass unchecked.
    /// </summary>
    public void Check(KeyMutation mutation, SiblingSet current, StoredVersions next)
    {
        if (!mutation.IsCoordinated)
        {
            return;
        }

        var siblings = next.Set.Siblings.Count;
        var bytes = next.Bytes.Length;
        if (siblings > _maxSiblings && siblings > current.Siblings.Count)
        {
            Refuse(mutation, ErrorCode.TooManySiblings, MetricNames.SiblingsReason, siblings, bytes,
                $"the write would leave {siblings} siblings on the key (limit {_maxSiblings}, now {current.Siblings.Count}); nothing was stored. "
                + "Get the key and write with the context it returns: that write replaces the siblings it has seen");
        }

        // The size of what is stored now is only worked out for a write that is over the limit.
        if (bytes > _maxObjectBytes && bytes > SiblingSetFormat.GetSize(current))
        {
            Refuse(mutation, ErrorCode.ObjectTooLarge, MetricNames.ObjectSizeReason, siblings, bytes,
                $"the write would leave the key's stored object at {bytes} bytes (limit {_maxObjectBytes}, now {SiblingSetFormat.GetSize(current)}, {siblings} siblings); "
                + "nothing was stored. Get the key and write with the context it returns to replace its siblings");
        }

        if (siblings > _warnSiblings)
        {
            Warn(mutation, MetricNames.SiblingsReason, siblings, bytes);
        }
        else if (bytes > _warnObjectBytes)
        {
            Warn(mutation, MetricNames.ObjectSizeReason, siblings, bytes);
        }
    }

    private void Warn(KeyMutation mutation, string reason, int siblings, int bytes)
    {
        _metrics?.ObjectLimitWarned(reason);
        if (_warningLog.TryEnter(out var suppressed))
        {
            var (tenant, key) = Describe(mutation.EncodedKey);
            LogWarning(_logger, reason, tenant, key, siblings, bytes, _warnSiblings, _warnObjectBytes, suppressed);
        }
    }

    private void Refuse(KeyMutation mutation, ErrorCode code, string reason, int siblings, int bytes, string message)
    {
        _metrics?.ObjectLimitRefused(reason);
        if (_refusalLog.TryEnter(out var suppressed))
        {
            var (tenant, key) = Describe(mutation.EncodedKey);
            LogRefusal(_logger, reason, tenant, key, siblings, bytes, _maxSiblings, _maxObjectBytes, suppressed);
        }

        PairDbException.Throw(code, message);
    }

    /// <summary>Tenant and key for a log line: the key in hex, its first 64 bytes (keys are binary and up to 1 KiB).</summary>
    private static (string Tenant, string Key) Describe(byte[] encodedKey)
    {
        if (!KeyEncoding.TryDecode(encodedKey, out var tenant, out var key))
        {
            return ("?", Convert.ToHexString(encodedKey));
        }

        return (tenant, key.Length <= 64 ? Convert.ToHexString(key) : Convert.ToHexString(key[..64]) + "...");
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning,
        Message = "Object over warning threshold reason={Reason} tenant={Tenant} key={Key} siblings={Siblings} object_bytes={ObjectBytes} warn_siblings={WarnSiblings} warn_object_bytes={WarnObjectBytes} suppressed={Suppressed}")]
    private static partial void LogWarning(ILogger logger, string reason, string tenant, string key, int siblings, int objectBytes, int warnSiblings, int warnObjectBytes, long suppressed);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning,
        Message = "Write refused over object limit reason={Reason} tenant={Tenant} key={Key} siblings={Siblings} object_bytes={ObjectBytes} max_siblings={MaxSiblings} max_object_bytes={MaxObjectBytes} suppressed={Suppressed}")]
    private static partial void LogRefusal(ILogger logger, string reason, string tenant, string key, int siblings, int objectBytes, int maxSiblings, int maxObjectBytes, long suppressed);
}
