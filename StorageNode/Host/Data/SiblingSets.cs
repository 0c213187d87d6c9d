using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Data;

/// <summary>Storage-side helpers over <see cref="SiblingSet"/>.</summary>
public static class SiblingSets
{
    /// <summary>
    /// The set without the siblings that have expired at <paramref name="nowUnixMs"/>, context kept.
    /// The context still covers the dropped dots, so a merge with a replica that still holds them drops
    /// them there too: sound only when <paramref name="nowUnixMs"/> is a time every replica would agree has
    /// passed, never one node's clock alone (<see cref="ExpiryTime"/> decides which time that is).
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
