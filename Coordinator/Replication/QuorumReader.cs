using Google.Protobuf;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// The quorum read (DESIGN.md 4): every available replica is asked in parallel; after R answers
/// (an empty replica is an answer) their sibling sets are merged (DVV sync) and returned. When all
/// replicas have answered, those whose set differs from the merge of all answers are repaired in
/// the background (<see cref="ReadRepairer"/>).
/// </summary>
public sealed class QuorumReader(ReplicaPlacement placement, ReplicaClients clients, ReadRepairer repairer, Clock.ClusterClock clock)
{
    /// <param name="deadline">The client's deadline (UTC; <see cref="DateTime.MaxValue"/> for none): a replica read not sent by then is not sent.</param>
    public async Task<SiblingSet> ReadAsync(string tenantId, ByteString key, int r, DateTime deadline, CancellationToken cancellationToken)
    {
        var replicas = placement.For(RingToken.Of(tenantId, key.Span));
        if (replicas.AvailableCount < r)
        {
            throw new PairDbException(ErrorCode.QuorumNotMet,
                $"r = {r} but only {replicas.AvailableCount} of the key's {replicas.Count} replicas are available");
        }
        var round = new ReadRound(replicas.Count, r, replicas.AvailableCount);
        // The cluster time lets each replica drop what has expired by it; a replica's clock alone never may.
        var request = new ReadRequest { TenantId = tenantId, Key = key, NowUnixMs = clock.NowUnixMs() };
        for (var i = 0; i < replicas.Count; i++)
        {
            if (replicas.Available[i])
            {
                _ = ReadOneAsync(round, i, replicas, request, deadline);
            }
        }
        var reached = await round.Decision.WaitAsync(cancellationToken);
        if (!reached)
        {
            throw new PairDbException(AnyTimedOut(round) ? ErrorCode.Timeout : ErrorCode.QuorumNotMet,
                $"fewer than r = {r} replicas answered");
        }
        var merged = Merge(round.Snapshot(), out _);
        _ = repairer.RepairWhenCompleteAsync(round, replicas, tenantId, key);
        return merged;
    }

    /// <summary>
    /// Merges the replies. Equal sets have equal bytes (the format is canonical), so the common case
    /// of agreeing replicas parses one reply and merges nothing.
    /// </summary>
    internal static SiblingSet Merge(ByteString?[] replies, out bool allEqual)
    {
        ByteString? first = null;
        allEqual = true;
        foreach (var reply in replies)
        {
            if (reply is null)
            {
                continue;
            }
            if (first is null)
            {
                first = reply;
            }
            else if (!first.Equals(reply))
            {
                allEqual = false;
            }
        }
        if (first is null)
        {
            return SiblingSet.Empty;
        }
        if (allEqual)
        {
            return Parse(first);
        }
        var merged = SiblingSet.Empty;
        foreach (var reply in replies)
        {
            if (reply is not null)
            {
                merged = SiblingSet.Merge(merged, Parse(reply));
            }
        }
        return merged;
    }

    private static SiblingSet Parse(ByteString versions) =>
        versions.IsEmpty ? SiblingSet.Empty : SiblingSetFormat.Parse(versions.Span);

    private async Task ReadOneAsync(ReadRound round, int index, ReplicaSet replicas, ReadRequest request, DateTime deadline)
    {
        try
        {
            var reply = await clients.ReadAsync(replicas.Nodes[index], request, deadline);
            round.Answered(index, reply.Found ? reply.Versions : ByteString.Empty);
        }
        catch (Exception e)
        {
            round.Failed(index, ReplicaFailure.From(e));
        }
    }

    private static bool AnyTimedOut(ReadRound round)
    {
        foreach (var failure in round.Failures)
        {
            if (failure is { Code: ErrorCode.Timeout })
            {
                return true;
            }
        }
        return false;
    }
}
