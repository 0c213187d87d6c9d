namespace PairDb.Coordinator.Ring.Movement;

/// <summary>
/// A range whose replica list differs between two rings: who replicated it before, who will after.
/// <see cref="Gainers"/> must receive its data; <see cref="Losers"/> hold data they will no longer own.
/// </summary>
public sealed record RangeMove(TokenRange Range, IReadOnlyList<string> OldReplicas, IReadOnlyList<string> NewReplicas)
{
    /// <summary>New replicas that were not replicas before, in new preference order.</summary>
    public IReadOnlyList<string> Gainers => Except(NewReplicas, OldReplicas);

    /// <summary>Old replicas that are no longer replicas, in old preference order.</summary>
    public IReadOnlyList<string> Losers => Except(OldReplicas, NewReplicas);

    /// <summary>Old replicas that stay replicas, in old preference order.</summary>
    public IReadOnlyList<string> Stayers => Intersect(OldReplicas, NewReplicas);

    private static string[] Except(IReadOnlyList<string> from, IReadOnlyList<string> remove)
    {
        var result = new List<string>(from.Count);
        foreach (var node in from)
        {
            if (!Contains(remove, node))
            {
                result.Add(node);
            }
        }
        return [.. result];
    }

    private static string[] Intersect(IReadOnlyList<string> from, IReadOnlyList<string> keep)
    {
        var result = new List<string>(from.Count);
        foreach (var node in from)
        {
            if (Contains(keep, node))
            {
                result.Add(node);
            }
        }
        return [.. result];
    }

    internal static bool Contains(IReadOnlyList<string> nodes, string node)
    {
        foreach (var candidate in nodes)
        {
            if (string.Equals(candidate, node, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
