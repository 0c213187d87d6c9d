using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.StorageNode.Identity;

namespace PairDb.StorageNode.Data;

/// <summary>
/// Versioned values over the engine: each engine key is KeyEncoding(tenant, key) and each value the
/// SiblingSetFormat bytes of the key's sibling set. Every change is a read-modify-write under the
/// key's stripe lock, so concurrent writers of one key never lose each other's siblings, while the
/// engine's own atomic batch write makes a multi-key change all-or-nothing.
/// </summary>
public sealed partial class VersionedStore
{
    private readonly LsmEngine _engine;
    private readonly KeyLocks _locks;
    private readonly TimeProvider _time;

    public VersionedStore(LsmEngine engine, KeyLocks locks, NodeIdentity identity, int maxContextEntries, TimeProvider time)
    {
        _engine = engine;
        _locks = locks;
        Identity = identity;
        MaxContextEntries = maxContextEntries;
        _time = time;
    }

    /// <summary>
    /// Whose dots this store mints: the current incarnation's actor, protected from context pruning.
    /// Read after the key's current set is loaded, never before: a drop of acknowledged data renews the
    /// incarnation first, so a load that already misses dropped data is followed by a read of the new actor.
    /// </summary>
    public NodeIdentity Identity { get; }

    public int MaxContextEntries { get; }

    /// <summary>The sibling and object limits checked for coordinated writes. Default none.</summary>
    public ObjectLimits Limits { get; init; } = ObjectLimits.None;

    /// <summary>
    /// How far past this replica's counter for another actor a client context may claim
    /// (<see cref="ValidationOptions.MaxContextCounterLead"/>; its default unless set).
    /// </summary>
    public ulong MaxContextCounterLead { get; init; } = new ValidationOptions().MaxContextCounterLead;

    /// <summary>
    /// The key's set; null when the node holds nothing for it. Siblings expired at min(node clock,
    /// <paramref name="requestNowUnixMs"/>) are dropped (context kept); with no request time (0) none is, so the
    /// answer's context never covers a sibling that only this node's clock called expired (<see cref="ExpiryTime"/>).
    /// </summary>
    /// <exception cref="ChecksumMismatchException">The engine block holding the key is corrupt.</exception>
    public StoredVersions? Read(byte[] encodedKey, long requestNowUnixMs = 0)
    {
        if (!_engine.TryGet(encodedKey, out var bytes))
        {
            return null;
        }

        var set = ParseStored(bytes, encodedKey);
        var visible = ExpiryTime.For(NowUnixMs(), requestNowUnixMs).Apply(set);
        return ReferenceEquals(visible, set)
            ? new StoredVersions(set, bytes)
            : new StoredVersions(visible, SiblingSetFormat.ToArray(visible));
    }

    /// <summary>
    /// Applies one mutation and returns the stored result once it is durable (per the engine's durability
    /// mode). The key's stripe is held for the read-modify-write and the append only, not the fsync.
    /// </summary>
    public async Task<StoredVersions> ApplyAsync(KeyMutation mutation, CancellationToken cancellationToken)
    {
        var stripe = _locks.StripeOf(RingToken.Of(mutation.EncodedKey));
        await _locks.AcquireAsync(stripe, cancellationToken).ConfigureAwait(false);
        SiblingSet next;
        byte[] bytes;
        ValueTask durable;
        try
        {
            var current = LoadForUpdate(mutation.EncodedKey);
            next = mutation.ApplyTo(current, Identity.Current.Actor, NowUnixMs(), MaxContextEntries, MaxContextCounterLead);
            bytes = mutation.Serialize(next);
            Limits.Check(mutation, current, new StoredVersions(next, bytes));
            using var batch = new WriteBatch(WriteBatch.EmptySize + WriteBatch.PutSize(mutation.EncodedKey.Length, bytes.Length));
            batch.Put(mutation.EncodedKey, bytes);
            durable = _engine.WriteAsync(batch, CancellationToken.None);
        }
        finally
        {
            // The write is applied once WriteAsync returns, so the next writer of this key already
            // reads it; holding the stripe through the group commit would only serialize fsyncs.
            _locks.Release(stripe);
        }

        await durable.ConfigureAwait(false);
        return new StoredVersions(next, bytes);
    }

    /// <summary>
    /// Applies mutations in order as one atomic engine write (one commit-log record, one group commit).
    /// Several mutations of one key see each other, in order. Outcomes are in input order: a mutation that
    /// throws (a client context the cluster did not issue, a stored set that cannot be read) fails alone and
    /// leaves its key as the mutations before it left it, while the others are written; only a failed
    /// engine write fails every mutation that was in it. Throws only when cancelled while waiting for locks.
    /// </summary>
    public async Task<MutationOutcome[]> ApplyAsync(IReadOnlyList<KeyMutation> mutations, CancellationToken cancellationToken)
    {
        if (mutations.Count == 1)
        {
            try
            {
                return [MutationOutcome.Applied(await ApplyAsync(mutations[0], cancellationToken).ConfigureAwait(false))];
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return [MutationOutcome.Failed(e)];
            }
        }

        var stripes = DistinctSortedStripes(mutations);
        await _locks.AcquireAllAsync(stripes, cancellationToken).ConfigureAwait(false);
        var outcomes = new MutationOutcome[mutations.Count];
        var durable = ValueTask.CompletedTask;
        try
        {
            var now = NowUnixMs();
            var pending = new Dictionary<byte[], int>(mutations.Count, ByteArrayComparer.Instance);
            var size = WriteBatch.EmptySize;
            for (var i = 0; i < mutations.Count; i++)
            {
                var key = mutations[i].EncodedKey;
                try
                {
                    var current = pending.TryGetValue(key, out var previous) ? outcomes[previous].Stored.Set : LoadForUpdate(key);
                    var next = mutations[i].ApplyTo(current, Identity.Current.Actor, now, MaxContextEntries, MaxContextCounterLead);
                    var stored = new StoredVersions(next, mutations[i].Serialize(next));
                    Limits.Check(mutations[i], current, stored);
                    outcomes[i] = MutationOutcome.Applied(stored);
                }
                catch (Exception e)
                {
                    // One request's fault (or one unreadable key) must not fail the requests coalesced with it.
                    outcomes[i] = MutationOutcome.Failed(e);
                    continue;
                }

                pending[key] = i;
                size += WriteBatch.PutSize(key.Length, outcomes[i].Stored.Bytes.Length);
            }

            if (pending.Count > 0)
            {
                durable = WriteLastStates(mutations, outcomes, pending, size);
            }
        }
        catch (Exception e)
        {
            FailApplied(outcomes, e);
        }
        finally
        {
            _locks.ReleaseAll(stripes);
        }

        try
        {
            await durable.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            FailApplied(outcomes, e);
        }

        return outcomes;
    }

    /// <summary>Starts the one engine write of a batch: each key's last state (earlier ones are superseded within it).</summary>
    private ValueTask WriteLastStates(IReadOnlyList<KeyMutation> mutations, MutationOutcome[] outcomes, Dictionary<byte[], int> pending, int size)
    {
        // Sized once and pooled: a streamed batch is ~1 MB, and growing it by doubling left ~2 MB of
        // large-object garbage per batch, each a step towards the next gen2 collection.
        using var batch = new WriteBatch(size);
        foreach (var last in pending.Values)
        {
            batch.Put(mutations[last].EncodedKey, outcomes[last].Stored.Bytes);
        }

        // WriteAsync has copied the payload into the log and the memtable when it returns; the buffer goes back to the pool.
        return _engine.WriteAsync(batch, CancellationToken.None);
    }

    /// <summary>The engine write is atomic: when it fails, it failed for every mutation that was in it.</summary>
    private static void FailApplied(MutationOutcome[] outcomes, Exception failure)
    {
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Failure is null)
            {
                outcomes[i] = MutationOutcome.Failed(failure);
            }
        }
    }

    private List<int> DistinctSortedStripes(IReadOnlyList<KeyMutation> mutations)
    {
        var stripes = new List<int>(mutations.Count);
        for (var i = 0; i < mutations.Count; i++)
        {
            stripes.Add(_locks.StripeOf(RingToken.Of(mutations[i].EncodedKey)));
        }

        stripes.Sort();
        var distinct = 0;
        for (var i = 0; i < stripes.Count; i++)
        {
            if (i == 0 || stripes[i] != stripes[distinct - 1])
            {
                stripes[distinct++] = stripes[i];
            }
        }

        stripes.RemoveRange(distinct, stripes.Count - distinct);
        return stripes;
    }

    private SiblingSet LoadForUpdate(byte[] encodedKey) =>
        _engine.TryGet(encodedKey, out var bytes) ? ParseStored(bytes, encodedKey) : SiblingSet.Empty;

    private static SiblingSet ParseStored(byte[] bytes, byte[] encodedKey)
    {
        try
        {
            return SiblingSetFormat.Parse(bytes);
        }
        catch (PairDbException e)
        {
            // The engine's CRCs passed, so these bytes are what was written: a bug, not a bad request.
            throw new PairDbException(ErrorCode.Internal, $"stored versions of key {Convert.ToHexString(encodedKey)} do not parse: {e.Message}", e);
        }
    }

    private long NowUnixMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
