using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    /// <summary>
    /// Registers a node and starts its bootstrap: the node enters BOOTSTRAPPING (tokens allocated now,
    /// not in the ring, receiving pending-range writes) with a <c>bootstrap</c> change that the change
    /// runner drives to NORMAL. The change is <c>in_progress</c>, or <c>pending</c> when it waits for
    /// the operator (AutoStart=false) or behind another change. Idempotent: the same id, host and port
    /// again returns the existing node and its change; the same id or address with different details
    /// is AlreadyExists. A process already answering at the address must answer to the same node id.
    /// </summary>
    public async Task<NodeWithChange> AddAsync(NodeRegistration request, CancellationToken cancellationToken)
    {
        var registration = Normalize(request);
        var answered = await _identifier.AnsweredNodeIdAsync(registration.Scheme, registration.Host, registration.GrpcPort, cancellationToken);
        if (answered is not null && !string.Equals(answered, registration.NodeId, StringComparison.Ordinal))
        {
            throw Invalid($"the storage node at {registration.Host}:{registration.GrpcPort} is configured as '{answered}', not '{registration.NodeId}': " +
                $"register it as '{answered}', or start it with PairDb:StorageNode:NodeId={registration.NodeId}");
        }

        await using var db = await OpenAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var rows = await db.StorageNodes.AsNoTracking().ToListAsync(cancellationToken);

        foreach (var row in rows)
        {
            if (string.Equals(row.NodeId, registration.NodeId, StringComparison.Ordinal))
            {
                if (string.Equals(row.Host, registration.Host, StringComparison.OrdinalIgnoreCase) && row.GrpcPort == registration.GrpcPort)
                {
                    return new NodeWithChange(row, await LatestChangeAsync(db, row.NodeId, cancellationToken));
                }
                throw new MembershipException(MembershipFailure.AlreadyExists,
                    $"storage node '{row.NodeId}' already exists at {row.Host}:{row.GrpcPort}; remove it first to register it at {registration.Host}:{registration.GrpcPort}");
            }
            if (string.Equals(row.Host, registration.Host, StringComparison.OrdinalIgnoreCase) && row.GrpcPort == registration.GrpcPort)
            {
                throw new MembershipException(MembershipFailure.AlreadyExists,
                    $"{registration.Host}:{registration.GrpcPort} is already registered as storage node '{row.NodeId}'");
            }
        }

        var holders = new List<RingNode>();
        foreach (var row in rows)
        {
            // A leaving node's tokens are about to disappear: balance against the ring that will remain.
            if (row.State != NodeStates.Leaving)
            {
                holders.Add(RingBuilder.ToNode(row));
            }
        }
        var tokens = TokenAllocator.Allocate(registration.NodeId, registration.VirtualNodes, holders, _ringOptions.Value.ReplicationFactor);
        var now = Now();
        var node = new StorageNodeRecord
        {
            NodeId = registration.NodeId,
            Host = registration.Host,
            GrpcPort = registration.GrpcPort,
            HttpPort = registration.HttpPort,
            Scheme = registration.Scheme,
            VirtualNodes = registration.VirtualNodes,
            Tokens = TokenBits.ToStored(tokens),
            State = NodeStates.Bootstrapping,
            Status = NodeStatuses.Unknown,
            CapacityGb = registration.CapacityGb,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var waitForOperator = !_changeOptions.Value.AutoStart;
        var othersActive = await AnyActiveChangeAsync(db, cancellationToken);
        var details = new ChangeDetails
        {
            VirtualNodes = registration.VirtualNodes,
            Node = new NodeAddress(registration.Host, registration.GrpcPort, registration.HttpPort, registration.Scheme),
            WaitForOperator = waitForOperator,
            Waiting = waitForOperator ? "waiting for POST /api/v1/rebalance/start" : othersActive ? "queued behind another topology change" : null,
        };
        var change = new PendingChangeRecord
        {
            ChangeId = Guid.CreateVersion7(now).ToString(),
            Type = ChangeTypes.Bootstrap,
            NodeId = registration.NodeId,
            Status = waitForOperator || othersActive ? ChangeStatuses.Pending : ChangeStatuses.InProgress,
            Progress = 0,
            StartTime = now,
            UpdatedAt = now,
            Details = details.ToJson(),
        };
        db.StorageNodes.Add(node);
        db.PendingChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogNodeAdded(node.NodeId, node.Host, node.GrpcPort, node.VirtualNodes, node.State);
        await ReloadAsync(CancellationToken.None);
        await ScheduleAsync(change.ChangeId);
        return new NodeWithChange(node, change);
    }

    private static Task<bool> AnyActiveChangeAsync(PairDbContext db, CancellationToken cancellationToken) =>
        db.PendingChanges.AnyAsync(c => c.Status == ChangeStatuses.Pending || c.Status == ChangeStatuses.InProgress, cancellationToken);

    /// <summary>
    /// Starts the change's job now. The change is committed already: if scheduling fails here, the
    /// change supervisor schedules it on its next pass, so the error is only logged.
    /// </summary>
    private async Task ScheduleAsync(string changeId)
    {
        try
        {
            await _scheduler.EnsureScheduledAsync(changeId, runNow: true, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogScheduleFailed(e, changeId);
        }
    }

    private NodeRegistration Normalize(NodeRegistration request)
    {
        var options = _ringOptions.Value;
        if (!Contracts.Versioning.NodeIds.IsValidNodeId(request.NodeId))
        {
            throw Invalid($"node_id '{request.NodeId}' is invalid: it must be 1..{Contracts.Versioning.NodeIds.MaxNodeIdLength} printable ASCII characters (no spaces, no '{Contracts.Versioning.NodeIds.IncarnationSeparator}')");
        }
        if (string.IsNullOrWhiteSpace(request.Host) || request.Host.Length > 255 || Uri.CheckHostName(request.Host) == UriHostNameType.Unknown)
        {
            throw Invalid($"host '{request.Host}' is not a valid DNS name or IP address");
        }
        if (request.GrpcPort is < 1 or > 65535)
        {
            throw Invalid($"port {request.GrpcPort} is not in 1..65535");
        }
        if (request.HttpPort is < 0 or > 65535)
        {
            throw Invalid($"http_port {request.HttpPort} is not in 1..65535 (0 means {NodeRegistration.DefaultHttpPort})");
        }
        if (request.VirtualNodes < 0 || request.VirtualNodes > options.MaxVirtualNodes)
        {
            throw Invalid($"virtual_nodes {request.VirtualNodes} is not in 1..{options.MaxVirtualNodes} (0 means {options.DefaultVirtualNodes})");
        }
        if (request.Scheme is not ("" or "http" or "https"))
        {
            throw Invalid($"scheme '{request.Scheme}' is not http or https (empty means the coordinator's own, {_identifier.DefaultScheme})");
        }
        if (request.CapacityGb is < 0)
        {
            throw Invalid($"capacity_gb {request.CapacityGb} is negative");
        }
        return request with
        {
            HttpPort = request.HttpPort == 0 ? NodeRegistration.DefaultHttpPort : request.HttpPort,
            VirtualNodes = request.VirtualNodes == 0 ? options.DefaultVirtualNodes : request.VirtualNodes,
            Scheme = request.Scheme.Length == 0 ? _identifier.DefaultScheme : request.Scheme,
        };
    }

    private static MembershipException Invalid(string message) => new(MembershipFailure.Invalid, message);
}
