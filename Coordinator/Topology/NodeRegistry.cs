using System.IO.Hashing;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Topology;

/// <summary>
/// The storage_nodes table and the ring built from it. Every membership change runs in one
/// transaction holding a PostgreSQL advisory lock, so coordinators sharing a database apply changes
/// one at a time and allocate tokens against the same ring; after committing, the registry
/// publishes the new ring to <see cref="RingProvider"/> at once.
/// </summary>
public sealed partial class NodeRegistry
{
    /// <summary>Key of the transaction-scoped advisory lock serializing membership changes ("pairdb" in ASCII).</summary>
    private const long MembershipLockKey = 0x706169726462;

    private readonly IDbContextFactory<PairDbContext> _contexts;
    private readonly RingProvider _rings;
    private readonly IOptions<RingOptions> _ringOptions;
    private readonly IOptions<TopologyChangeOptions> _changeOptions;
    private readonly ChangeScheduler _scheduler;
    private readonly MetadataAvailability _availability;
    private IReadOnlyList<StorageNodeRecord> _lastRows = [];
    private readonly Ring.Snapshots.RingSnapshotStore _snapshots;
    private readonly Nodes.NodeIdentifier _identifier;
    // Timestamps written to the shared rows (completed_at, a cleanup's due time) are compared by other coordinators:
    // the cluster time, so one coordinator's wrong clock does not shorten the 24-hour cleanup grace.
    private readonly Clock.ClusterClock _time;
    private readonly ILogger<NodeRegistry> _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private ulong _publishedFingerprint;

    public NodeRegistry(
        IDbContextFactory<PairDbContext> contexts,
        RingProvider rings,
        IOptions<RingOptions> ringOptions,
        IOptions<TopologyChangeOptions> changeOptions,
        ChangeScheduler scheduler,
        MetadataAvailability availability,
        Ring.Snapshots.RingSnapshotStore snapshots,
        Nodes.NodeIdentifier identifier,
        Clock.ClusterClock time,
        ILogger<NodeRegistry> logger)
    {
        _contexts = contexts;
        _rings = rings;
        _ringOptions = ringOptions;
        _changeOptions = changeOptions;
        _scheduler = scheduler;
        _snapshots = snapshots;
        _availability = availability;
        _identifier = identifier;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Every node, oldest registration first (the runbook's <c>ORDER BY created_at</c>). While PostgreSQL is away: the
    /// rows as last read (or from the snapshot), so operators and the prober still see the ring being served.
    /// </summary>
    public async Task<IReadOnlyList<StorageNodeRecord>> ListAsync(CancellationToken cancellationToken)
    {
        if (!_availability.IsAvailable)
        {
            var last = new List<StorageNodeRecord>(Volatile.Read(ref _lastRows));
            last.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.NodeId, b.NodeId));
            return last;
        }
        await using var db = await OpenAsync(cancellationToken);
        return await db.StorageNodes.AsNoTracking()
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.NodeId)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The node and its current (pending or in_progress, else latest) topology change; NotFound when unknown.</summary>
    public async Task<NodeWithChange> GetAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var node = await db.StorageNodes.AsNoTracking().SingleOrDefaultAsync(n => n.NodeId == nodeId, cancellationToken)
            ?? throw NotFound(nodeId);
        var change = await LatestChangeAsync(db, nodeId, cancellationToken);
        return new NodeWithChange(node, change);
    }

    /// <summary>
    /// Re-reads storage_nodes and publishes a new ring if anything that places keys changed (another
    /// coordinator's change, or a hand edit). Returns the current ring. Reloads are serialized and
    /// each reads after the caller's commit, so a stale read can never be published after a fresh one.
    /// Every successful read also refreshes the ring snapshot (written only when the rows changed), so a
    /// coordinator restarted while PostgreSQL is away serves the last ring it read, with current incarnations.
    /// </summary>
    public async Task<TokenRing> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            // Not gated on MetadataAvailability: a reload right after this coordinator's own commit must not be
            // skipped because the probe's last answer was late; during a real outage it fails on its own.
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var rows = await db.StorageNodes.AsNoTracking().ToListAsync(cancellationToken);
            var ring = PublishIfChanged(rows);
            Volatile.Write(ref _lastRows, rows);
            _snapshots.Save(ring.Version, rows);
            return ring;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private TokenRing PublishIfChanged(List<StorageNodeRecord> rows)
    {
        var fingerprint = Fingerprint(rows);
        var current = _rings.Current;
        if (current.Version != 0 && fingerprint == _publishedFingerprint)
        {
            _rings.ConfirmFromDatabase();
            return current;
        }
        var ring = _rings.Publish(rows);
        _publishedFingerprint = fingerprint;
        LogRingPublished(ring.Version, ring.Members.Count, ring.Nodes.Count, ring.TokenCount);
        return ring;
    }

    /// <summary>
    /// Serves the snapshot's ring (PostgreSQL unreachable at start-up). Its fingerprint counts as published, so the
    /// first successful read after the outage publishes a new version only if the rows changed meanwhile.
    /// </summary>
    public TokenRing ServeSnapshot(Ring.Snapshots.RingSnapshot snapshot)
    {
        var ring = _rings.PublishSnapshot(snapshot);
        Volatile.Write(ref _lastRows, snapshot.Nodes);
        _publishedFingerprint = Fingerprint([.. snapshot.Nodes]);
        return ring;
    }

    /// <summary>A hash of what placement depends on (not status or timestamps), independent of row order.</summary>
    private static ulong Fingerprint(List<StorageNodeRecord> rows)
    {
        var sorted = new List<StorageNodeRecord>(rows);
        sorted.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        var hash = new XxHash64();
        foreach (var row in sorted)
        {
            hash.Append(Encoding.UTF8.GetBytes($"{row.NodeId}\0{row.Host}\0{row.GrpcPort}\0{row.HttpPort}\0{row.Scheme}\0{row.State}\0{row.Draining}\0"));
            foreach (var token in row.Tokens)
            {
                hash.Append(BitConverter.GetBytes(token));
            }
        }
        return hash.GetCurrentHashAsUInt64();
    }

    private static async Task<PendingChangeRecord?> LatestChangeAsync(PairDbContext db, string nodeId, CancellationToken cancellationToken) =>
        await db.PendingChanges.AsNoTracking()
            .Where(c => c.NodeId == nodeId)
            .OrderByDescending(c => c.Status == ChangeStatuses.InProgress || c.Status == ChangeStatuses.Pending)
            .ThenByDescending(c => c.StartTime)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>A context on the metadata database; fails at once (<see cref="MetadataUnavailableException"/>) during an outage.</summary>
    private ValueTask<PairDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        _availability.ThrowIfUnavailable();
        return new ValueTask<PairDbContext>(_contexts.CreateDbContextAsync(cancellationToken));
    }

    private static async Task LockMembershipAsync(PairDbContext db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({MembershipLockKey})", cancellationToken);

    /// <summary>Now, truncated to PostgreSQL's microsecond precision so replies equal what is stored.</summary>
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }

    private static MembershipException NotFound(string nodeId) =>
        new(MembershipFailure.NotFound, $"storage node '{nodeId}' is not registered");
}
