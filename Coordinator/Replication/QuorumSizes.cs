using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Turns a request's consistency level or explicit r/w into a replica count. An explicit count wins
/// over the level; a count outside 1..N is INVALID_ARGUMENT whatever the cluster's health, because
/// it could never be met (fewer live replicas than asked is QUORUM_NOT_MET, decided later).
/// </summary>
public static class QuorumSizes
{
    public static int Resolve(Consistency level, bool hasExplicit, uint explicitCount, int defaultCount, int n, string name)
    {
        if (hasExplicit)
        {
            if (explicitCount < 1 || explicitCount > (uint)n)
            {
                PairDbException.Throw(ErrorCode.InvalidArgument, $"{name} = {explicitCount} is impossible with N = {n}: it must be in 1..{n}");
            }
            return (int)explicitCount;
        }
        return level switch
        {
            Consistency.One => 1,
            Consistency.Quorum => n / 2 + 1,
            Consistency.All => n,
            Consistency.Unspecified => Math.Min(defaultCount, n),
            _ => Throw(level),
        };
    }

    private static int Throw(Consistency level)
    {
        PairDbException.Throw(ErrorCode.InvalidArgument, $"unknown consistency level {(int)level}");
        return 0;
    }
}
