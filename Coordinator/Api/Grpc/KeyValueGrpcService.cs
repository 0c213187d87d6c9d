using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.Coordinator.Api.Admission;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tenants;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>
/// pairdb.KeyValueService: validates, resolves the tenant and the quorum, then runs the quorum
/// path. Every request first passes the <see cref="InFlightLimiter"/>: not started once its deadline
/// passed, refused while the coordinator serves its limit; then, once valid, each request or batch item
/// passes its tenant's quotas (<see cref="TenantQuotaAdmission"/>) before any replica is called. Every failure leaves as an RpcException carrying
/// the pairdb ErrorInfo: a PairDbException here, anything else through the host's error interceptor (INTERNAL).
/// Tenant clients only; the tenant every request names must be its credential's (<see cref="KeyValueCallContext.ResolveTenant"/>).
/// </summary>
[Authorize(Policy = PairDbPolicies.Tenant)]
public sealed partial class KeyValueGrpcService : KeyValueService.KeyValueServiceBase
{
    private readonly QuorumWriter _writer;
    private readonly QuorumReader _reader;
    private readonly RequestValidator _validator;
    private readonly ReplicationMetrics _metrics;
    private readonly InFlightLimiter _limiter;
    private readonly TenantQuotaAdmission _quotas;
    private readonly Clock.ClusterClock _clock;
    private readonly TenantConflictModes _conflictModes;
    private readonly ILogger<KeyValueGrpcService> _logger;
    private readonly int _n;
    private readonly int _defaultR;
    private readonly int _defaultW;

    public KeyValueGrpcService(
        QuorumWriter writer, QuorumReader reader, RequestValidator validator, ReplicaPlacement placement,
        IOptions<ReplicationOptions> replication, ReplicationMetrics metrics, InFlightLimiter limiter, Clock.ClusterClock clock,
        TenantConflictModes conflictModes, TenantQuotaAdmission quotas, ILogger<KeyValueGrpcService> logger)
    {
        _limiter = limiter;
        _quotas = quotas;
        _logger = logger;
        _writer = writer;
        _reader = reader;
        _validator = validator;
        _metrics = metrics;
        _clock = clock;
        _conflictModes = conflictModes;
        _n = placement.ReplicationFactor;
        _defaultR = replication.Value.DefaultReadQuorum;
        _defaultW = replication.Value.DefaultWriteQuorum;
    }

    public override async Task<PutReply> Put(PutRequest request, ServerCallContext context)
    {
        using var permit = Admit("put", context, 1, request.CalculateSize());
        try
        {
            return await PutAsync(request, KeyValueCallContext.From(context, _validator.Options), context.CancellationToken);
        }
        catch (PairDbException e)
        {
            throw Fail("put", e);
        }
    }

    public override async Task<GetReply> Get(GetRequest request, ServerCallContext context)
    {
        using var permit = Admit("get", context, 1, request.CalculateSize());
        try
        {
            return await GetAsync(request, KeyValueCallContext.From(context, _validator.Options), context.CancellationToken);
        }
        catch (PairDbException e)
        {
            throw Fail("get", e);
        }
    }

    public override async Task<DeleteReply> Delete(DeleteRequest request, ServerCallContext context)
    {
        using var permit = Admit("delete", context, 1, request.CalculateSize());
        try
        {
            return await DeleteAsync(request, KeyValueCallContext.From(context, _validator.Options), context.CancellationToken);
        }
        catch (PairDbException e)
        {
            throw Fail("delete", e);
        }
    }

    private async Task<PutReply> PutAsync(PutRequest request, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        var tenant = call.ResolveTenant(request.TenantId);
        var validationStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var validation = _validator.ValidateWrite(tenant, request.Key.Span, request.Value.Span, request.Context.Span, call.Trusted);
        _metrics.Validated(validationStart);
        validation.ThrowIfInvalid();
        _quotas.AdmitPut(tenant, request.Key.Length + request.Value.Length, "put");
        var w = QuorumSizes.Resolve(request.Consistency, request.HasW, request.W, _defaultW, _n, "w");
        var expiresAt = request.HasTtlSeconds && request.TtlSeconds > 0
            ? await _clock.TtlDeadlineAsync(request.TtlSeconds, call.Deadline, cancellationToken)
            : 0;
        var versions = await _writer.WriteAsync(
            new WriteCommand(tenant, request.Key, request.Value, Tombstone: false, request.Context, expiresAt) { ConflictMode = _conflictModes.ModeOf(tenant), Deadline = call.Deadline },
            w, cancellationToken);
        return new PutReply { Context = ContextOf(versions) };
    }

    private async Task<DeleteReply> DeleteAsync(DeleteRequest request, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        var tenant = call.ResolveTenant(request.TenantId);
        var validationStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var validation = _validator.ValidateDelete(tenant, request.Key.Span, request.Context.Span, call.Trusted);
        _metrics.Validated(validationStart);
        validation.ThrowIfInvalid();
        _quotas.AdmitReadOrDelete(tenant, request.Key.Length, "delete");
        var w = QuorumSizes.Resolve(request.Consistency, request.HasW, request.W, _defaultW, _n, "w");
        var versions = await _writer.WriteAsync(
            new WriteCommand(tenant, request.Key, ByteString.Empty, Tombstone: true, request.Context, 0) { ConflictMode = _conflictModes.ModeOf(tenant), Deadline = call.Deadline },
            w, cancellationToken);
        return new DeleteReply { Context = ContextOf(versions) };
    }

    private async Task<GetReply> GetAsync(GetRequest request, KeyValueCallContext call, CancellationToken cancellationToken)
    {
        var tenant = call.ResolveTenant(request.TenantId);
        var validationStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var validation = _validator.ValidateRead(tenant, request.Key.Span, call.Trusted);
        _metrics.Validated(validationStart);
        validation.ThrowIfInvalid();
        _quotas.AdmitReadOrDelete(tenant, request.Key.Length, "get");
        var r = QuorumSizes.Resolve(request.Consistency, request.HasR, request.R, _defaultR, _n, "r");
        var set = await _reader.ReadAsync(tenant, request.Key, r, call.Deadline, cancellationToken);
        var answered = _conflictModes.ModeOf(tenant) == ConflictMode.LastWriterWins ? LastWriterWins.Resolve(set) : set;
        var reply = ToReply(answered, _clock.NowUnixMs());
        _metrics.ReadAnswered(reply.Siblings.Count, SiblingSetFormat.GetSize(set));
        return reply;
    }

    /// <summary>
    /// Live siblings plus concurrent tombstones (so a client sees that a delete raced its value),
    /// without expired ones; KEY_NOT_FOUND when none is live.
    /// </summary>
    private static GetReply ToReply(SiblingSet set, long nowUnixMs)
    {
        if (!set.HasLiveSibling(nowUnixMs))
        {
            PairDbException.Throw(ErrorCode.KeyNotFound, "the key has no live value");
        }
        var reply = new GetReply { Context = UnsafeByteOperations.UnsafeWrap(VersionVectorFormat.ToArray(set.Context)) };
        foreach (var sibling in set.Siblings)
        {
            if (sibling.IsTombstone)
            {
                reply.Siblings.Add(new Contracts.Grpc.Sibling { Tombstone = true });
            }
            else if (sibling.IsLiveAt(nowUnixMs))
            {
                reply.Siblings.Add(new Contracts.Grpc.Sibling
                {
                    Value = UnsafeByteOperations.UnsafeWrap(sibling.Value),
                    ExpiresAtUnixMs = sibling.ExpiresAtUnixMs,
                });
            }
        }
        return reply;
    }

    private static ByteString ContextOf(ByteString versions) =>
        UnsafeByteOperations.UnsafeWrap(VersionVectorFormat.ToArray(SiblingSetFormat.Parse(versions.Span).Context));

    /// <summary>
    /// Admits a request (<paramref name="items"/> items, <paramref name="bytes"/> encoded) or throws its refusal as
    /// an RpcException: TIMEOUT or OVERLOADED, nothing started, not counted as a quorum failure.
    /// </summary>
    private InFlightLimiter.Permit Admit(string operation, ServerCallContext context, int items, long bytes)
    {
        try
        {
            return _limiter.Enter(operation, context.Deadline, context.CancellationToken, items, bytes);
        }
        catch (PairDbException e)
        {
            throw e.ToRpcException();
        }
    }

    private RpcException Fail(string operation, PairDbException e)
    {
        Count(operation, e);
        return e.ToRpcException();
    }
}
