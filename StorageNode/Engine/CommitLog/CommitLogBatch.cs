namespace PairDb.Engine.CommitLog;

/// <summary>
/// The records that go to disk in one write + fdatasync of the group commit. A sync-mode writer waits on the batch its
/// record joined, so a finished sync wakes exactly the writers it covered — not the writers already queued for the next one.
/// </summary>
internal sealed class CommitLogBatch
{
    private bool _done;
    private Exception? _failure;

    /// <summary>Blocks until the batch is durable; throws if the log failed first.</summary>
    public void Wait()
    {
        lock (this)
        {
            while (!_done)
            {
                Monitor.Wait(this);
            }
        }

        // A fresh exception per waiter: many threads throw it at once.
        switch (_failure)
        {
            case WriteOutcomeUnknownException unknown:
                throw new WriteOutcomeUnknownException(unknown.Failure, unknown.InnerException);
            case { } failure:
                throw new EngineClosedException("commit log closed; the write may not be durable", failure);
        }
    }

    public void Complete(Exception? failure)
    {
        lock (this)
        {
            if (_done)
            {
                return;
            }

            _failure = failure;
            _done = true;
            Monitor.PulseAll(this);
        }
    }
}
