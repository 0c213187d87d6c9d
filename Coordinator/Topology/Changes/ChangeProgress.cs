namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// pending_changes.progress from the persisted details: copying fills 0..80 by keys copied against
/// the sources' estimates, streaming 80..90, syncing 90..100 by streams verified (runbook 3.1: copying
/// is most of the time). 100 only once the change has completed.
/// </summary>
public static class ChangeProgress
{
    public const int CopyingEnd = 80;
    public const int StreamingEnd = 90;

    public static int Percent(ChangeDetails details) => details.Phase switch
    {
        ChangePhases.Queued => 0,
        ChangePhases.Copying => (int)(CopyingEnd * CopiedFraction(details.Streams)),
        ChangePhases.Streaming => CopyingEnd,
        ChangePhases.Syncing => StreamingEnd + (int)((100 - StreamingEnd - 1) * SyncedFraction(details.Streams)),
        ChangePhases.Cutover => 99,
        ChangePhases.Done => 100,
        _ => 0,
    };

    /// <summary>0..1: keys copied over keys expected; a finished stream counts as fully copied.</summary>
    public static double CopiedFraction(IReadOnlyList<StreamProgress> streams)
    {
        if (streams.Count == 0)
        {
            return 1;
        }
        double expected = 0, copied = 0;
        var finished = 0;
        foreach (var stream in streams)
        {
            var estimate = Math.Max(stream.EstimatedKeys, stream.KeysCopied);
            if (stream.State != StreamStates.Copying)
            {
                finished++;
                expected += estimate;
                copied += estimate;
                continue;
            }
            expected += estimate;
            copied += stream.KeysCopied;
        }
        if (expected <= 0)
        {
            return (double)finished / streams.Count;
        }
        return Math.Clamp(copied / expected, 0, 1);
    }

    public static double SyncedFraction(IReadOnlyList<StreamProgress> streams)
    {
        if (streams.Count == 0)
        {
            return 1;
        }
        var synced = 0;
        foreach (var stream in streams)
        {
            if (stream.State == StreamStates.Synced)
            {
                synced++;
            }
        }
        return (double)synced / streams.Count;
    }

    /// <summary>
    /// When the change should finish, extrapolated from the copy rate so far (copying being about
    /// 80% of the time); null until enough has been copied to say.
    /// </summary>
    public static DateTimeOffset? EstimateCompletion(ChangeDetails details, DateTimeOffset now)
    {
        if (details.Phase != ChangePhases.Copying || details.CopyStartedAt is not { } started)
        {
            return null;
        }
        var fraction = CopiedFraction(details.Streams);
        if (fraction < 0.01)
        {
            return null;
        }
        var elapsed = now - started;
        var total = TimeSpan.FromTicks((long)(elapsed.Ticks / fraction / (CopyingEnd / 100.0)));
        return started + total;
    }

    public static long KeysCopied(IReadOnlyList<StreamProgress> streams)
    {
        long total = 0;
        foreach (var stream in streams)
        {
            total += stream.KeysCopied;
        }
        return total;
    }

    public static long BytesTransferred(IReadOnlyList<StreamProgress> streams)
    {
        long total = 0;
        foreach (var stream in streams)
        {
            total += stream.BytesTransferred;
        }
        return total;
    }
}
