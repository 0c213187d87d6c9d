using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Engine;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Streaming;

using PairDb.StorageNode.Identity;

namespace PairDb.StorageNode.Recovery;

/// <summary>
/// Runbook 2.3 restore-from-replica: for each named SSTable, take its key range, remove the file from the engine,
/// and pull the keys of that range this node replicates from every replica peer the coordinator names (the
/// ranges each peer shares with this node), merging them as any streamed entry. Everything that can fail without
/// side effects (names, unknown files, no coordinator, coordinator unreachable) is checked before a file is removed.
/// </summary>
public sealed class ReplicaRestorer(LsmEngine engine, NodeIdentity identity, NodeChannels channels, RangePuller puller, IOptions<NodeOptions> node, ILogger<ReplicaRestorer> logger)
{
    private readonly NodeOptions _node = node.Value;

    public async Task<RestoreReport> RestoreAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            throw new RestoreRejectedException(400, ErrorCode.InvalidArgument, "files must name at least one SSTable (e.g. sstable-123.sst)");
        }

        var tables = FindTables(files);
        if (string.IsNullOrEmpty(_node.CoordinatorEndpoint))
        {
            throw new RestoreRejectedException(503, ErrorCode.NodeNotReady,
                $"{NodeOptions.SectionName}:CoordinatorEndpoint is not set: the node cannot ask the coordinator for its replica peers; nothing was removed");
        }

        var peers = await GetPeersAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<TableInfo> removed;
        try
        {
            // Until the refetch completes, this node lacks writes it acknowledged, its own dots among them:
            // minting on top of that gap under the old incarnation could re-issue one of them.
            identity.Renew($"restore-from-replica of {string.Join(",", files)}");
            removed = await engine.RemoveTablesAsync([.. tables.Keys], cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // A compaction replaced the file between the lookup and the removal: its data lives in other files now.
            throw new RestoreRejectedException(409, ErrorCode.InvalidArgument, $"{e.Message}: it was compacted meanwhile; run integrity/scan-all again; nothing was removed");
        }

        RecoveryLog.TablesRemoved(logger, string.Join(",", files), peers.Count);
        var report = new RestoreReport();
        foreach (var table in removed)
        {
            report.FilesRestored.Add(table.FileName);
            foreach (var peer in peers)
            {
                var keys = await RefetchAsync(table, peer, report, cancellationToken).ConfigureAwait(false);
                report.KeysRefetched[peer.NodeId] = report.KeysRefetched.GetValueOrDefault(peer.NodeId) + keys;
            }
        }

        if (peers.Count == 0)
        {
            report.Errors.Add("the coordinator named no replica peer sharing a range with this node; the removed files' keys were not refetched");
        }

        ulong total = 0;
        foreach (var keys in report.KeysRefetched.Values)
        {
            total += keys;
        }

        RecoveryLog.Restored(logger, report.FilesRestored.Count, total, report.Errors.Count);
        return report;
    }

    private Dictionary<long, string> FindTables(IReadOnlyList<string> files)
    {
        var live = new Dictionary<long, TableInfo>();
        foreach (var table in engine.ListTables())
        {
            live[table.FileId] = table;
        }

        var found = new Dictionary<long, string>();
        foreach (var file in files)
        {
            if (!TableNames.TryParseId(file, out var id))
            {
                throw new RestoreRejectedException(400, ErrorCode.InvalidArgument, $"'{file}' is not an SSTable name (expected sstable-<id>.sst or <id>); nothing was removed");
            }

            if (!live.ContainsKey(id))
            {
                throw new RestoreRejectedException(400, ErrorCode.InvalidArgument, $"'{file}' is not a live SSTable of this node (see integrity/scan-all); nothing was removed");
            }

            found[id] = file;
        }

        return found;
    }

    private async Task<IReadOnlyList<ReplicaPeer>> GetPeersAsync(CancellationToken cancellationToken)
    {
        var client = new CoordinatorService.CoordinatorServiceClient(channels.ForAddress(_node.CoordinatorEndpoint!));
        try
        {
            var reply = await client.GetReplicaPeersAsync(new GetReplicaPeersRequest { NodeId = _node.NodeId }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
            return reply.Peers;
        }
        catch (RpcException e)
        {
            throw new RestoreRejectedException(503, ErrorCode.NodeNotReady,
                $"the coordinator at {_node.CoordinatorEndpoint} did not name the replica peers ({e.StatusCode}: {e.Status.Detail}); nothing was removed");
        }
    }

    /// <summary>Pulls the table's key range of the ranges shared with one peer; a failure is reported, not thrown.</summary>
    private async Task<ulong> RefetchAsync(TableInfo table, ReplicaPeer peer, RestoreReport report, CancellationToken cancellationToken)
    {
        if (peer.SharedRanges.Count == 0)
        {
            return 0;
        }

        var end = new byte[table.LargestKey.Length + 1]; // the first key after the largest: end is exclusive
        table.LargestKey.CopyTo(end, 0);
        var request = new FetchRangesRequest
        {
            SourceHost = peer.Host,
            SourcePort = peer.GrpcPort,
            StartKey = ByteString.CopyFrom(table.SmallestKey),
            EndKey = UnsafeByteOperations.UnsafeWrap(end),
            StreamId = $"restore-{table.FileName}-{peer.NodeId}",
        };
        request.Ranges.Add(peer.SharedRanges);
        ulong keys = 0;
        try
        {
            await puller.PullAsync(request, progress =>
            {
                keys = progress.KeysCopied;
                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PairDbException or RpcException or StorageEngineException)
        {
            report.Errors.Add($"{table.FileName} from {peer.NodeId} ({peer.Host}:{peer.GrpcPort}): {e.Message}");
        }

        return keys;
    }
}

/// <summary>What a restore did: the files removed, keys merged per peer, and the pulls that failed.</summary>
public sealed class RestoreReport
{
    public List<string> FilesRestored { get; } = [];

    public Dictionary<string, ulong> KeysRefetched { get; } = new(StringComparer.Ordinal);

    public List<string> Errors { get; } = [];
}

/// <summary>A restore refused before anything changed: the HTTP status and pairdb code to answer with.</summary>
public sealed class RestoreRejectedException(int statusCode, ErrorCode code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public ErrorCode Code { get; } = code;
}
