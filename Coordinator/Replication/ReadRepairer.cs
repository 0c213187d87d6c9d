using Google.Protobuf;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Read repair: once every replica of a read has answered, the merge of all answers is written
/// back (Repair, a DVV merge on the node) to each replica that answered something different, held
/// nothing, or failed its checksum. Counted per repaired replica in <c>read_repair_total</c>.
/// Off the client's path: the read was answered already.
/// </summary>
public sealed partial class ReadRepairer(ReplicaClients clients, ReplicationMetrics metrics, Clock.ClusterClock clock, ILogger<ReadRepairer> logger)
{
    internal async Task RepairWhenCompleteAsync(ReadRound round, ReplicaSet replicas, string tenantId, ByteString key)
    {
        try
        {
            await round.Completed;
            var replies = round.Snapshot();
            var merged = QuorumReader.Merge(replies, out var allEqual);
            if (merged.IsEmpty || (allEqual && !AnyChecksumFailure(round)))
            {
                return;
            }
            var mergedBytes = UnsafeByteOperations.UnsafeWrap(SiblingSetFormat.ToArray(merged));
            var request = new RepairRequest { TenantId = tenantId, Key = key, Versions = mergedBytes, NowUnixMs = clock.NowUnixMs() };
            var repairs = new List<Task>(replicas.Count);
            for (var i = 0; i < replicas.Count; i++)
            {
                var stale = replies[i] is { } reply ? !reply.Equals(mergedBytes) : round.Failures[i] is { Code: ErrorCode.ChecksumFailed };
                if (stale)
                {
                    repairs.Add(RepairOneAsync(replicas.Nodes[i].NodeId, replicas, i, request));
                }
            }
            metrics.ReadRepaired(repairs.Count);
            await Task.WhenAll(repairs);
        }
        catch (Exception e)
        {
            LogRepairFailed(logger, tenantId, e.Message);
        }
    }

    private async Task RepairOneAsync(string nodeId, ReplicaSet replicas, int index, RepairRequest request)
    {
        try
        {
            await clients.RepairAsync(replicas.Nodes[index], request);
        }
        catch (Exception e)
        {
            LogRepairFailed(logger, nodeId, ReplicaFailure.From(e).ToString());
        }
    }

    private static bool AnyChecksumFailure(ReadRound round)
    {
        foreach (var failure in round.Failures)
        {
            if (failure is { Code: ErrorCode.ChecksumFailed })
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Read repair failed target={Target} error={Error}")]
    private static partial void LogRepairFailed(ILogger logger, string target, string error);
}
