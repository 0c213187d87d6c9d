using Google.Protobuf;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Replication.Hints;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// The quorum write (DESIGN.md 4). The first available replica in preference order coordinates:
/// CoordinatedWrite mints the dot from that node's counter and returns the resulting sibling set,
/// which then goes to every other replica with ReplicaWrite (a DVV sync merge, idempotent and
/// commutative) in parallel. The client is answered after W acknowledgements (the coordinating
/// replica counts as one); the rest complete in the background. Every replica the write does not
/// reach (down, breaker open, refused, failed, timed out) gets a hint carrying that same set.
/// <para>
/// Outcomes: the coordinating replica's own code when it refuses the request as the request's fault
/// (<see cref="ReplicaFailure.IsRequestFault"/>, e.g. INVALID_VECTOR_CLOCK) and no earlier attempt may
/// have applied it; QUORUM_NOT_MET only when no replica can have applied the write (too few available
/// before sending, or every coordination attempt refused by the node or never sent); TIMEOUT
/// ("unknown") whenever some replica may hold it but W was not reached; never a failure once W
/// acknowledged, except TIMEOUT when a hint for a missed replica could not be committed.
/// </para>
/// </summary>
public sealed partial class QuorumWriter(
    ReplicaPlacement placement, ReplicaClients clients, HintWriter hints, PendingWrites pendingWrites,
    NodeLiveness liveness, Clock.ClusterClock clock, ILogger<QuorumWriter> logger)
{
    /// <summary>Writes and returns the stored sibling set (SiblingSetFormat bytes) as the coordinating replica produced it.</summary>
    public async Task<ByteString> WriteAsync(WriteCommand command, int w, CancellationToken cancellationToken)
    {
        var replicas = placement.For(RingToken.Of(command.TenantId, command.Key.Span));
        if (replicas.AvailableCount < w)
        {
            throw new PairDbException(ErrorCode.QuorumNotMet,
                $"w = {w} but only {replicas.AvailableCount} of the key's {replicas.Count} replicas are available; nothing was written");
        }
        var failures = new ReplicaFailure?[replicas.Count];
        var (coordinator, versions, maybeApplied) = await CoordinateAsync(command, replicas, w, failures, cancellationToken);
        if (versions is null)
        {
            throw new PairDbException(maybeApplied ? ErrorCode.Timeout : ErrorCode.QuorumNotMet,
                (maybeApplied ? "outcome unknown: " : "nothing was written: ") + "no replica could coordinate the write (" + Describe(replicas, failures) + ")");
        }
        return await ReplicateAsync(command, replicas, coordinator, versions, w, failures);
    }

    private async Task<(int Index, ByteString? Versions, bool MaybeApplied)> CoordinateAsync(
        WriteCommand command, ReplicaSet replicas, int w, ReplicaFailure?[] failures, CancellationToken cancellationToken)
    {
        var request = new CoordinatedWriteRequest
        {
            TenantId = command.TenantId,
            Key = command.Key,
            Value = command.Tombstone ? ByteString.Empty : command.Value,
            Tombstone = command.Tombstone,
            Context = command.Context,
            ExpiresAtUnixMs = command.ExpiresAtUnixMs,
            ConflictMode = command.ConflictMode,
            NowUnixMs = clock.NowUnixMs(),
        };
        var order = replicas.CoordinatorOrder();
        var maybeApplied = false;
        for (var k = 0; k < order.Length; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var i = order[k];
            try
            {
                var reply = await clients.CoordinatedWriteAsync(replicas.Nodes[i], request, command.Deadline);
                return (i, reply.Versions, maybeApplied);
            }
            catch (Exception e)
            {
                var failure = ReplicaFailure.From(e);
                failures[i] = failure;
                maybeApplied |= failure.MaybeApplied;
                LogCoordinationFailed(logger, replicas.Nodes[i].NodeId, failure.ToString());
                if (failure.IsRequestFault)
                {
                    // The request's own fault (a context the cluster did not issue, a limit): the client must
                    // fix it. Not tried on the next replica, which would refuse it too or, worse, accept what
                    // this one rightly refused (a context ahead of this replica's own actor is within the lead
                    // any other replica allows for it). An earlier attempt with an unknown outcome keeps it TIMEOUT.
                    if (!maybeApplied)
                    {
                        throw new PairDbException(failure.Code, $"{replicas.Nodes[i].NodeId} refused the write: {failure.Message}");
                    }

                    break;
                }

                // Trying the next replica as coordinator after an unknown outcome may leave a second,
                // concurrent sibling of the same value if the first did apply it: a visible but
                // harmless duplicate, preferred to failing a write other replicas can take.
                if (order.Length - k - 1 < w)
                {
                    break;
                }
            }
        }
        return (-1, null, maybeApplied);
    }

    private async Task<ByteString> ReplicateAsync(
        WriteCommand command, ReplicaSet replicas, int coordinator, ByteString versions, int w, ReplicaFailure?[] failures)
    {
        var key = command.Key.ToByteArray();
        byte[]? payload = null;
        var targets = 0;
        for (var i = 0; i < replicas.Count; i++)
        {
            if (i != coordinator && replicas.Available[i] && failures[i] is null)
            {
                targets++;
            }
        }
        var round = new WriteRound(w, acks: 1, pending: targets);
        var request = new ReplicaWriteRequest { TenantId = command.TenantId, Key = command.Key, Versions = versions, NowUnixMs = clock.NowUnixMs() };
        for (var i = 0; i < replicas.Count; i++)
        {
            if (i == coordinator)
            {
                continue;
            }
            if (replicas.Available[i] && failures[i] is null)
            {
                _ = ReplicateOneAsync(round, replicas.Nodes[i], request, command.TenantId, key);
            }
            else
            {
                payload ??= versions.ToByteArray();
                round.AddEarlyHint(hints.StoreAsync(replicas.Nodes[i].NodeId, command.TenantId, key, payload));
            }
        }
        foreach (var node in replicas.Pending)
        {
            if (liveness.IsDown(node.NodeId))
            {
                payload ??= versions.ToByteArray();
                round.AddEarlyHint(hints.StoreAsync(node.NodeId, command.TenantId, key, payload));
            }
            else
            {
                _ = ForwardToPendingAsync(node, request, command.TenantId, key);
            }
        }
        round.Start();
        var reached = await round.Decision;
        if (round.HintsBeforeAnswer() is { } stored)
        {
            try
            {
                await stored;
            }
            catch (Exception e)
            {
                throw new PairDbException(ErrorCode.Timeout,
                    $"outcome unknown: {round.Acks} replica(s) hold the write but a hint for a missed replica could not be stored ({e.Message})", e);
            }
        }
        if (!reached)
        {
            throw new PairDbException(ErrorCode.Timeout,
                $"outcome unknown: {round.Acks} of w = {w} replicas acknowledged; the write exists and is hinted to the others");
        }
        return versions;
    }

    private async Task ReplicateOneAsync(WriteRound round, RingNode node, ReplicaWriteRequest request, string tenantId, byte[] key)
    {
        try
        {
            // Not the client's deadline: the write exists now, and sending it (bounded by the queue's own
            // timeout) is cheaper than the hint that dropping it at the client's deadline would cost.
            await clients.ReplicaWriteAsync(node, request, DateTime.MaxValue);
            round.Succeeded();
            return;
        }
        catch (Exception e)
        {
            LogReplicaWriteFailed(logger, node.NodeId, ReplicaFailure.From(e).ToString());
        }
        var hint = hints.StoreAsync(node.NodeId, tenantId, key, request.Versions.ToByteArray());
        if (!round.Failed(hint))
        {
            try
            {
                await hint;
            }
            catch (Exception e)
            {
                LogLateHintFailed(logger, node.NodeId, e.Message);
            }
        }
    }

    /// <summary>
    /// A write for a range in motion also goes to the node gaining it. Not awaited: it does not count
    /// toward W. A miss is hinted, and the change's hint-replay phase delivers it before cutover.
    /// </summary>
    private async Task ForwardToPendingAsync(RingNode node, ReplicaWriteRequest request, string tenantId, byte[] key)
    {
        try
        {
            await clients.ReplicaWriteAsync(node, request, DateTime.MaxValue);
            pendingWrites.Delivered(node.NodeId);
            return;
        }
        catch (Exception e)
        {
            LogReplicaWriteFailed(logger, node.NodeId, ReplicaFailure.From(e).ToString());
        }
        try
        {
            await hints.StoreAsync(node.NodeId, tenantId, key, request.Versions.ToByteArray());
        }
        catch (Exception e)
        {
            LogLateHintFailed(logger, node.NodeId, e.Message);
        }
    }

    private static string Describe(ReplicaSet replicas, ReplicaFailure?[] failures)
    {
        var parts = new List<string>(replicas.Count);
        for (var i = 0; i < replicas.Count; i++)
        {
            var state = failures[i]?.ToString() ?? (replicas.Available[i] ? "not tried" : "unavailable");
            parts.Add($"{replicas.Nodes[i].NodeId}: {state}");
        }
        return string.Join("; ", parts);
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "Coordinated write failed node={NodeId} error={Error}")]
    private static partial void LogCoordinationFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Replica write failed node={NodeId} error={Error}")]
    private static partial void LogReplicaWriteFailed(ILogger logger, string nodeId, string error);

    [LoggerMessage(EventId = 312, Level = LogLevel.Error, Message = "Hint for a late replica failure could not be stored node={NodeId} error={Error}")]
    private static partial void LogLateHintFailed(ILogger logger, string nodeId, string error);
}
