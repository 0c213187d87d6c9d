using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Data;

/// <summary>Storage-side helpers over <see cref="SiblingSet"/>.</summary>
public static class SiblingSets
{
    /// <summary>
    /// The set without the siblings that have expired at <paramref name="nowUnixMs"/>, context kept.
    /// Sound to do on any replica: the context still covers the dropped dots, so a merge with a replica
    /// that still holds them drops them there too, and every replica agrees they are expired (the
    /// expiry travels with the sibling).
    /// </summary>
    public static SiblingSet WithoutExpired(SiblingSet set, long nowUnixMs)
    {
        var siblings = set.Siblings;
        var expired = 0;
        for (var i = 0; i < siblings.Count; i++)
        {
            if (IsExpired(siblings[i], nowUnixMs))
            {
                expired++;
            }
        }

        if (expired == 0)
        {
            return set;
        }

        var kept = new List<Sibling>(siblings.Count - expired);
        for (var i = 0; i < siblings.Count; i++)
        {
            if (!IsExpired(siblings[i], nowUnixMs))
            {
                kept.Add(siblings[i]);
            }
        }

        return SiblingSet.Create(set.Context, kept);
    }

    private static bool IsExpired(Sibling sibling, long nowUnixMs) =>
        sibling.ExpiresAtUnixMs != 0 && nowUnixMs >= sibling.ExpiresAtUnixMs;
}
