using PairDb.Chaos.History;

namespace PairDb.Chaos.Checking;

/// <summary>
/// Rules 2, 4 and 5, no lost acknowledged write: the value of every Ok put is in the final state of its
/// key, unless some write that may have applied (Ok or Unknown) carried the context of a read that
/// returned it — that write replaced it, so it may be gone. Blind puts supersede nothing, so concurrent
/// blind puts must all survive as siblings (rule 4). A put with a TTL may be gone only once the TTL
/// could have run out before the final read began (rule 5: the workload's 3600 s TTL never does, even
/// on a node whose clock runs hours ahead, which must not expire it early).
/// Unknown puts may or may not appear; Fail'd puts are rule 1's business.
/// </summary>
internal static class AcknowledgedWriteRule
{
    public static IEnumerable<Anomaly> Check(HistoryIndex index, FinalState final)
    {
        var unread = new HashSet<string>(final.UnreadKeys, StringComparer.Ordinal);
        var present = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var put in index.Operations)
        {
            if (put is not { Kind: OpKind.Put, Outcome: OpOutcome.Ok, Value: { } value } || unread.Contains(put.Key))
            {
                continue;
            }
            if (!present.TryGetValue(put.Key, out var values))
            {
                present[put.Key] = values = new HashSet<string>(final.ValuesOf(put.Key), StringComparer.Ordinal);
            }
            if (values.Contains(value) || index.SupersedersOf(put.Key, value).Count > 0 || MayHaveExpired(put, final))
            {
                continue;
            }

            var kind = put.TtlSeconds is null ? AnomalyKinds.LostWrite : AnomalyKinds.LostTtlWrite;
            var ttl = put.TtlSeconds is { } seconds ? $" (ttl {seconds} s, final read at {final.ReadAtMs} ms)" : "";
            yield return new Anomaly(kind, put.Key, [value], [put.Index], [put.InvokeMs, put.CompleteMs],
                $"put #{put.Index} {put.Key}={value} was acknowledged at {put.CompleteMs} ms{ttl} but the final state holds [{string.Join(", ", final.ValuesOf(put.Key))}] and no write's context covered it");
        }
    }

    // The server sets the expiry from its clock at the write, no earlier than the invocation; a correct
    // clock cannot expire the value before InvokeMs + ttl.
    private static bool MayHaveExpired(Operation put, FinalState final) =>
        put.TtlSeconds is { } ttl && put.InvokeMs + ttl * 1000L <= final.ReadAtMs;
}
