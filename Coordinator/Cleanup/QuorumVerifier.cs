using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring;
using TokenRange = PairDb.Coordinator.Ring.TokenRange;

namespace PairDb.Coordinator.Cleanup;

/// <summary>
/// Finds, for each owner group of a task, which current owners hold everything the task node holds
/// in the group's ranges: per range, equal RangeDigests on the owner and the task node (fast path),
/// else CheckRangeCoverage on the owner with the task node as source reporting 0 missing and 0 behind.
/// An owner that cannot be asked is not verified.
/// </summary>
public sealed partial class QuorumVerifier(CleanupNodeCalls nodes, ILogger<QuorumVerifier> logger)
{
    /// <summary>
    /// Verifies every group against <paramref name="taskNode"/>, whose digests of
    /// <paramref name="pieces"/> (all groups' ranges, in group order) are <paramref name="taskDigests"/>.
    /// </summary>
    public async Task<IReadOnlyList<GroupVerification>> VerifyAsync(
        TokenRing ring, RingNode taskNode, IReadOnlyList<OwnerGroup> groups, IReadOnlyList<RangeDigestReply> taskDigests, CancellationToken cancellationToken)
    {
        var ownerDigests = await OwnerDigestsAsync(ring, groups, cancellationToken);
        var results = new List<GroupVerification>(groups.Count);
        var offset = 0;
        foreach (var group in groups)
        {
            var verified = new List<string>();
            var failed = new List<string>();
            foreach (var ownerId in group.Owners)
            {
                if (await OwnerHoldsAsync(ring, ownerId, taskNode, group, offset, taskDigests, ownerDigests, cancellationToken))
                {
                    verified.Add(ownerId);
                }
                else
                {
                    failed.Add(ownerId);
                }
            }
            results.Add(new GroupVerification(group, verified, failed));
            offset += group.Ranges.Count;
        }
        return results;
    }

    /// <summary>One RangeDigests call per owner, over the ranges of every group it belongs to; null for an owner that failed.</summary>
    private async Task<Dictionary<string, Dictionary<TokenRange, RangeDigestReply>?>> OwnerDigestsAsync(
        TokenRing ring, IReadOnlyList<OwnerGroup> groups, CancellationToken cancellationToken)
    {
        var rangesByOwner = new Dictionary<string, List<TokenRange>>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var owner in group.Owners)
            {
                if (!rangesByOwner.TryGetValue(owner, out var list))
                {
                    rangesByOwner[owner] = list = [];
                }
                list.AddRange(group.Ranges);
            }
        }
        var digests = new Dictionary<string, Dictionary<TokenRange, RangeDigestReply>?>(StringComparer.Ordinal);
        foreach (var (ownerId, ranges) in rangesByOwner)
        {
            if (!ring.TryGetNode(ownerId, out var owner))
            {
                digests[ownerId] = null;
                continue;
            }
            try
            {
                var reply = await nodes.DigestsAsync(owner, registered: true, ranges, cancellationToken);
                var byRange = new Dictionary<TokenRange, RangeDigestReply>();
                for (var i = 0; i < ranges.Count && i < reply.Digests.Count; i++)
                {
                    byRange[ranges[i]] = reply.Digests[i];
                }
                digests[ownerId] = byRange;
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                LogOwnerFailed(logger, ownerId, "RangeDigests", e.Status.StatusCode.ToString(), e.Status.Detail);
                digests[ownerId] = null;
            }
        }
        return digests;
    }

    private async Task<bool> OwnerHoldsAsync(
        TokenRing ring, string ownerId, RingNode taskNode, OwnerGroup group, int offset, IReadOnlyList<RangeDigestReply> taskDigests,
        Dictionary<string, Dictionary<TokenRange, RangeDigestReply>?> ownerDigests, CancellationToken cancellationToken)
    {
        if (ownerDigests[ownerId] is not { } mine || !ring.TryGetNode(ownerId, out var owner))
        {
            return false;
        }
        var differing = new List<TokenRange>();
        for (var i = 0; i < group.Ranges.Count; i++)
        {
            var range = group.Ranges[i];
            var theirs = offset + i < taskDigests.Count ? taskDigests[offset + i] : null;
            if (theirs is null || !mine.TryGetValue(range, out var own) || own.Digest != theirs.Digest || own.KeyCount != theirs.KeyCount)
            {
                differing.Add(range);
            }
        }
        if (differing.Count == 0)
        {
            return true;
        }
        try
        {
            var coverage = await nodes.CoverageAsync(owner, taskNode, differing, cancellationToken);
            if (coverage.KeysMissing == 0 && coverage.KeysBehind == 0)
            {
                return true;
            }
            LogNotCovered(logger, ownerId, taskNode.NodeId, differing.Count, coverage.KeysMissing, coverage.KeysBehind);
            return false;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogOwnerFailed(logger, ownerId, "CheckRangeCoverage", e.Status.StatusCode.ToString(), e.Status.Detail);
            return false;
        }
    }

    [LoggerMessage(EventId = 375, Level = LogLevel.Warning, Message = "Cleanup safety check: owner {Owner} did not answer {Call}: {Code} {Detail}")]
    private static partial void LogOwnerFailed(ILogger logger, string owner, string call, string code, string detail);

    [LoggerMessage(EventId = 376, Level = LogLevel.Information,
        Message = "Cleanup safety check: owner {Owner} lacks data of {Source} in {Ranges} range(s) missing={Missing} behind={Behind}")]
    private static partial void LogNotCovered(ILogger logger, string owner, string source, int ranges, ulong missing, ulong behind);
}
