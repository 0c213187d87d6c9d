using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Checking;

/// <summary>
/// Rule 3, no resurrected delete. An Ok delete carried the context of a read that returned value v; its
/// tombstone's clock covers the dot(s) of v that read saw, so on every replica and in every merge (read
/// repair, hints, anti-entropy) the tombstone wins over them. Values are unique, so only the put of v
/// ever mints dots carrying v.
/// <para>
/// What is sound to flag, given sloppy timing, hints and lagging replicas:
/// <list type="bullet">
/// <item>Only when the put of v was Ok and completed before the delete's read was invoked. A put still in
/// flight (or Unknown, whose coordinator may still be working) may mint another dot of v that the read
/// never saw — the coordinator retries coordination on the next replica after an unknown outcome — and
/// that dot is a concurrent write the delete rightly does not cover. Once the put was acknowledged before
/// the read began, the user read [.., v, ..], deleted with that context, was told Ok, and v must stay
/// gone. (A duplicate dot left by an unknown first coordination attempt of an acknowledged put can still
/// bring v back; that is a real, user-visible resurrection and is reported.)</item>
/// <item>In the final state (read at ALL after healing and hint replay): v must not be there.</item>
/// <item>In reads: only reads at ALL invoked after the delete completed. ALL asks every replica, and at
/// least one that acknowledged the tombstone answers, so the merged reply drops v. A QUORUM read may
/// meet a replica that lost its copy to a crash-and-wipe plus one the tombstone has not reached yet (its
/// hint still queued); ONE may hit any lagging replica. Those stale reads are allowed by the design and
/// not flagged; concurrent reads (invoked before the delete completed) may see v too.</item>
/// </list>
/// </para>
/// </summary>
internal static class DeleteRule
{
    public static IEnumerable<Anomaly> Check(HistoryIndex index, FinalState final)
    {
        var unread = new HashSet<string>(final.UnreadKeys, StringComparer.Ordinal);
        foreach (var delete in index.Operations)
        {
            if (delete is not { Kind: OpKind.Delete, Outcome: OpOutcome.Ok, WithContext: true, ContextFrom: { } from }
                || from < 0 || from >= index.Operations.Count)
            {
                continue;
            }
            var read = index.Operations[from];
            foreach (var value in delete.ContextValues.Distinct(StringComparer.Ordinal))
            {
                var put = index.PutOf(value);
                if (put is not { Outcome: OpOutcome.Ok } || !string.Equals(put.Key, delete.Key, StringComparison.Ordinal)
                    || put.CompleteMs >= read.InvokeMs)
                {
                    continue;
                }

                if (!unread.Contains(delete.Key) && final.ValuesOf(delete.Key).Contains(value, StringComparer.Ordinal))
                {
                    yield return new Anomaly(AnomalyKinds.ResurrectedDelete, delete.Key, [value], [put.Index, read.Index, delete.Index],
                        [put.CompleteMs, read.InvokeMs, delete.CompleteMs],
                        $"delete #{delete.Index} of {delete.Key} covering {value} (read #{read.Index}) was acknowledged at {delete.CompleteMs} ms, yet {value} (put #{put.Index}, acknowledged at {put.CompleteMs} ms) is in the final state");
                }

                foreach (var later in index.ReadsOf(delete.Key))
                {
                    if (later.Consistency == ConsistencyLevel.All && later.InvokeMs > delete.CompleteMs
                        && later.ValuesRead!.Contains(value, StringComparer.Ordinal))
                    {
                        yield return new Anomaly(AnomalyKinds.DeletedValueRead, delete.Key, [value], [put.Index, delete.Index, later.Index],
                            [delete.CompleteMs, later.InvokeMs],
                            $"read #{later.Index} at ALL of {delete.Key}, invoked at {later.InvokeMs} ms, returned {value}, which delete #{delete.Index} covered and had acknowledged at {delete.CompleteMs} ms");
                        break;
                    }
                }
            }
        }
    }
}
