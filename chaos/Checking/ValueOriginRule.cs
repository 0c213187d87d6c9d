using PairDb.Chaos.History;

namespace PairDb.Chaos.Checking;

/// <summary>
/// Rule 1, no invented value: every value a read returned, or the final state holds, was written to
/// that key by a put that may have applied (Ok or Unknown). A Fail'd put's value showing up is a
/// failed write that applied; a value read before its put was even sent came from nowhere.
/// </summary>
internal static class ValueOriginRule
{
    public static IEnumerable<Anomaly> Check(HistoryIndex index, FinalState final)
    {
        foreach (var read in index.Operations)
        {
            if (read is not { Kind: OpKind.Read, Outcome: OpOutcome.Ok, ValuesRead: { } values })
            {
                continue;
            }
            foreach (var value in values.Distinct(StringComparer.Ordinal))
            {
                var put = index.PutOf(value);
                if (Origin(put, read.Key, value, $"read #{read.Index}") is { } anomaly)
                {
                    yield return anomaly with { Operations = [read.Index, .. anomaly.Operations], TimesMs = [read.InvokeMs, read.CompleteMs, .. anomaly.TimesMs] };
                    continue;
                }

                // Both times come from one monotonic clock, truncated alike: a read that had its answer
                // before the put was sent cannot have seen it.
                if (read.CompleteMs < put!.InvokeMs)
                {
                    yield return new Anomaly(AnomalyKinds.ReadBeforeWrite, read.Key, [value], [read.Index, put.Index], [read.CompleteMs, put.InvokeMs],
                        $"read #{read.Index} of {read.Key} returned {value} at {read.CompleteMs} ms, but put #{put.Index} of it was invoked only at {put.InvokeMs} ms");
                }
            }
        }

        foreach (var (key, values) in final.ValuesByKey.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct(StringComparer.Ordinal))
            {
                if (Origin(index.PutOf(value), key, value, "the final state") is { } anomaly)
                {
                    yield return anomaly;
                }
            }
        }
    }

    private static Anomaly? Origin(Operation? put, string key, string value, string where)
    {
        if (put is null)
        {
            return new Anomaly(AnomalyKinds.InventedValue, key, [value], [], [],
                $"{where} of {key} holds {value}, which no put wrote");
        }

        if (!string.Equals(put.Key, key, StringComparison.Ordinal))
        {
            return new Anomaly(AnomalyKinds.InventedValue, key, [value], [put.Index], [put.InvokeMs],
                $"{where} of {key} holds {value}, which put #{put.Index} wrote to another key, {put.Key}");
        }

        if (put.Outcome == OpOutcome.Fail)
        {
            return new Anomaly(AnomalyKinds.FailedWriteApplied, key, [value], [put.Index], [put.InvokeMs, put.CompleteMs],
                $"{where} of {key} holds {value}, but put #{put.Index} of it failed definitely ({put.ErrorCode ?? "no code"})");
        }

        return null;
    }
}
