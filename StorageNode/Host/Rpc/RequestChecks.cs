using System.Diagnostics;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Rpc;

/// <summary>
/// The shared RequestValidator rules applied to StorageService requests, timed into
/// <c>validation_duration_seconds</c> and counted into <c>validation_rejections_total</c> when they fail.
/// </summary>
public sealed class RequestChecks(RequestValidator validator, StorageNodeMetrics metrics)
{
    /// <summary>
    /// Hard bound on context entries accepted in a replica's set: the cluster prunes contexts to
    /// MaxContextEntries, but pruning keeps the entry of every node holding a sibling, so a set may
    /// exceed it by its sibling count; twice the limit leaves room for that and still bounds memory.
    /// </summary>
    private int MaxStoredEntries => validator.Options.MaxContextEntries * 2;

    public ValidationResult CheckCoordinatedWrite(CoordinatedWriteRequest request, bool trusted)
    {
        var start = Stopwatch.GetTimestamp();
        var result = request.Tombstone
            ? validator.ValidateDelete(request.TenantId, request.Key.Span, request.Context.Span, trusted)
            : validator.ValidateWrite(request.TenantId, request.Key.Span, request.Value.Span, request.Context.Span, trusted);
        if (result.IsValid && request.ExpiresAtUnixMs < 0)
        {
            result = ValidationResult.Fail(ErrorCode.InvalidArgument, "expires_at_unix_ms must not be negative");
        }

        return Done(start, result);
    }

    public ValidationResult CheckRead(ReadRequest request, bool trusted)
    {
        var start = Stopwatch.GetTimestamp();
        return Done(start, validator.ValidateRead(request.TenantId, request.Key.Span, trusted));
    }

    /// <summary>
    /// A replica write or repair: tenant and key as any request, then the versions parsed (always: the
    /// node must understand what it stores) with every sibling value within the value size limit.
    /// </summary>
    public ValidationResult CheckVersions(string tenantId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> versions, bool trusted, out SiblingSet? set)
    {
        set = null;
        var start = Stopwatch.GetTimestamp();
        var result = validator.ValidateRead(tenantId, key, trusted);
        if (!result.IsValid)
        {
            return Done(start, result);
        }

        try
        {
            set = SiblingSetFormat.Parse(versions, MaxStoredEntries);
        }
        catch (PairDbException e)
        {
            return Done(start, ValidationResult.Fail(e.Code, e.Message));
        }

        foreach (var sibling in set.Siblings)
        {
            result = validator.ValidateValue(sibling.Value.Length);
            if (!result.IsValid)
            {
                set = null;
                break;
            }
        }

        return Done(start, result);
    }

    private ValidationResult Done(long start, ValidationResult result)
    {
        metrics.ValidationTimed(start);
        if (result.Error is { } code)
        {
            metrics.ValidationRejected(code);
        }

        return result;
    }
}
