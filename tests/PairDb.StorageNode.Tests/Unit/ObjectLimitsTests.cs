using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.Engine.IO;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Identity;
using PairDb.StorageNode.Metrics;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>
/// The sibling and object limits on the coordinating replica, through the store's read-modify-write:
/// limits of 5 siblings (warning above 3) and 10,000 bytes (warning above 6,000).
/// </summary>
public sealed class ObjectLimitsTests
{
    private const int MaxSiblings = 5;
    private const int MaxObjectBytes = 10_000;
    private static readonly byte[] KeyBytes = Key("hot");

    private TestDirectory _directory = null!;
    private LsmEngine _engine = null!;
    private FakeTimeProvider _time = null!;
    private NodeIdentity _identity = null!;
    private StorageNodeMetrics _metrics = null!;
    private ListLogger<ObjectLimits> _log = null!;
    private VersionedStore _store = null!;
    private MeterListener _listener = null!;
    private readonly Dictionary<(string Name, string Reason), long> _counted = [];

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _directory.Path, Durability = DurabilityMode.Sync });
        _identity = NodeIdentity.Open(_directory.Path, "n1", PhysicalFileSystem.Instance, _time, NullLogger.Instance);
        _metrics = InProcess.Metrics(_time);
        _log = new ListLogger<ObjectLimits>();
        _counted.Clear();
        _listener = ListenToCounters();
        var options = new ValidationOptions { MaxSiblings = MaxSiblings, WarnSiblings = 3, MaxObjectBytes = MaxObjectBytes, WarnObjectBytes = 6_000 };
        _store = new VersionedStore(_engine, new KeyLocks(64), _identity, 50, _time)
        {
            Limits = new ObjectLimits(options, _metrics, _log, _time),
        };
    }

    [TearDown]
    public void TearDown()
    {
        _listener.Dispose();
        _engine.Dispose();
        _identity.Dispose();
        _directory.Dispose();
    }

    [Test]
    public async Task ApplyAsync_BlindWritesPastMaxSiblings_TooManySiblingsAndNothingStored()
    {
        for (var i = 0; i < MaxSiblings; i++)
        {
            await BlindAsync("v" + i);
        }
        var before = _store.Read(KeyBytes)!.Value;

        var refused = Assert.ThrowsAsync<PairDbException>(() => BlindAsync("one too many"));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Code, Is.EqualTo(ErrorCode.TooManySiblings));
            Assert.That(refused.Message, Does.Contain("6 siblings").And.Contain("limit 5"));
            Assert.That(_store.Read(KeyBytes)!.Value.Bytes, Is.EqualTo(before.Bytes), "nothing stored");
            Assert.That(Counted(MetricNames.SiblingLimitRejectionsTotal, MetricNames.SiblingsReason), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ApplyAsync_FullContextAfterRefusal_ReplacesEverySibling()
    {
        for (var i = 0; i < MaxSiblings; i++)
        {
            await BlindAsync("v" + i);
        }
        Assert.ThrowsAsync<PairDbException>(() => BlindAsync("refused"));
        var read = _store.Read(KeyBytes)!.Value.Set;

        var resolved = await _store.ApplyAsync(KeyMutation.Write(KeyBytes, read.Context, "resolved"u8.ToArray()), CancellationToken.None);

        Assert.That(resolved.Set.Siblings, Has.Count.EqualTo(1));
        Assert.That(_store.Read(KeyBytes)!.Value.Set.Siblings.Single().Value.ToArray(), Is.EqualTo("resolved"u8.ToArray()));
    }

    [Test]
    public async Task ApplyAsync_MergeOverBothLimits_Accepted()
    {
        var incoming = SetOf(siblings: MaxSiblings * 2, valueBytes: 3_000);

        await _store.ApplyAsync(KeyMutation.Merge(KeyBytes, incoming), CancellationToken.None);

        var stored = _store.Read(KeyBytes)!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(stored.Set, Is.EqualTo(incoming), "a merge is never refused for size: replicas must converge");
            Assert.That(stored.Bytes.Length, Is.GreaterThan(MaxObjectBytes));
        });
    }

    [Test]
    public async Task ApplyAsync_KeyOverTheLimitByMerge_WriteThatKeepsTheCountAcceptedBlindWriteRefused()
    {
        var incoming = SetOf(siblings: MaxSiblings + 2, valueBytes: 10);
        await _store.ApplyAsync(KeyMutation.Merge(KeyBytes, incoming), CancellationToken.None);
        var replaceOne = VersionVector.From([incoming.Siblings[0].Dot]);

        var partial = await _store.ApplyAsync(KeyMutation.Write(KeyBytes, replaceOne, "replaces one"u8.ToArray()), CancellationToken.None);
        var blind = Assert.ThrowsAsync<PairDbException>(() => BlindAsync("adds one"));

        Assert.Multiple(() =>
        {
            Assert.That(partial.Set.Siblings, Has.Count.EqualTo(MaxSiblings + 2), "no more siblings than the key had: accepted");
            Assert.That(blind!.Code, Is.EqualTo(ErrorCode.TooManySiblings));
        });
    }

    [Test]
    public async Task ApplyAsync_BigValuesPastMaxObjectBytes_ObjectTooLargeAndNothingStored()
    {
        var value = new byte[4_000];
        await BlindAsync(value);
        await BlindAsync(value);
        var before = _store.Read(KeyBytes)!.Value;

        var refused = Assert.ThrowsAsync<PairDbException>(() => BlindAsync(value));
        var resolved = await _store.ApplyAsync(KeyMutation.Write(KeyBytes, before.Set.Context, value), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Code, Is.EqualTo(ErrorCode.ObjectTooLarge));
            Assert.That(refused.Message, Does.Contain($"limit {MaxObjectBytes}"));
            Assert.That(Counted(MetricNames.SiblingLimitRejectionsTotal, MetricNames.ObjectSizeReason), Is.EqualTo(1));
            Assert.That(resolved.Set.Siblings, Has.Count.EqualTo(1), "the write with the read's context replaces both values");
        });
        Assert.That(before.Bytes.Length, Is.LessThan(MaxObjectBytes));
    }

    [Test]
    public async Task ApplyAsync_DeleteWithoutContextOverLimit_Refused()
    {
        for (var i = 0; i < MaxSiblings; i++)
        {
            await BlindAsync("v" + i);
        }

        var refused = Assert.ThrowsAsync<PairDbException>(() => _store.ApplyAsync(KeyMutation.Delete(KeyBytes, VersionVector.Empty), CancellationToken.None));

        Assert.That(refused!.Code, Is.EqualTo(ErrorCode.TooManySiblings), "a blind delete adds a tombstone sibling like any write");
    }

    [Test]
    public async Task ApplyAsync_BatchItemOverLimit_RefusedAloneAndKeyUnchanged()
    {
        for (var i = 0; i < MaxSiblings; i++)
        {
            await BlindAsync("v" + i);
        }
        var before = _store.Read(KeyBytes)!.Value;

        var outcomes = await _store.ApplyAsync(
            [KeyMutation.Write(Key("other"), VersionVector.Empty, "x"u8.ToArray()), KeyMutation.Write(KeyBytes, VersionVector.Empty, "y"u8.ToArray())],
            CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes[0].Succeeded, Is.True, "the other key in the same batch is written");
            Assert.That(outcomes[1].Failure, Is.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.TooManySiblings));
            Assert.That(_store.Read(KeyBytes)!.Value.Bytes, Is.EqualTo(before.Bytes));
            Assert.That(_store.Read(Key("other")), Is.Not.Null);
        });
    }

    [Test]
    public async Task ApplyAsync_OverWarningThreshold_CountedEveryTimeLoggedOncePerInterval()
    {
        for (var i = 0; i < MaxSiblings; i++)
        {
            await BlindAsync("v" + i);
        }

        var warningsBefore = _log.Entries.Count;
        _time.Advance(ObjectLimits.LogInterval);
        var read = _store.Read(KeyBytes)!.Value.Set;
        await _store.ApplyAsync(KeyMutation.Write(KeyBytes, VersionVector.From([read.Siblings[0].Dot]), "still 5"u8.ToArray()), CancellationToken.None);

        Assert.Multiple(() =>
        {
            // Writes 4 and 5 passed WarnSiblings = 3; the sixth (a resolving write keeping 5) too.
            Assert.That(Counted(MetricNames.SiblingLimitWarningsTotal, MetricNames.SiblingsReason), Is.EqualTo(3));
            Assert.That(warningsBefore, Is.EqualTo(1), "the second warning within the interval is not logged");
            Assert.That(_log.Entries, Has.Count.EqualTo(2));
            Assert.That(_log.Entries[0].Message, Does.StartWith("Object over warning threshold reason=siblings tenant=t1 key=686F74 siblings=4"));
            Assert.That(_log.Entries[1].Message, Does.Contain("siblings=5").And.EndWith("suppressed=1"));
        });
    }

    [Test]
    public async Task ApplyAsync_LastWriterWinsBlindWrites_KeepOneSiblingStampedPastTheLast()
    {
        for (var i = 0; i < 3; i++)
        {
            await _store.ApplyAsync(KeyMutation.LastWriterWinsWrite(KeyBytes, VersionVector.Empty, new[] { (byte)i }), CancellationToken.None);
        }

        var stored = _store.Read(KeyBytes)!.Value.Set;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Siblings, Has.Count.EqualTo(1));
            Assert.That(stored.Siblings[0].Value.ToArray(), Is.EqualTo(new byte[] { 2 }));
            Assert.That(stored.Siblings[0].WrittenAtUnixMs, Is.EqualTo(now + 2), "the clock did not move: each write is stamped 1 ms past the one it replaced");
        });
    }

    [Test]
    public async Task ApplyAsync_LastWriterWinsDelete_ReplacesEverySiblingWithOneStampedTombstone()
    {
        await BlindAsync("a");
        await BlindAsync("b");

        var deleted = await _store.ApplyAsync(KeyMutation.LastWriterWinsDelete(KeyBytes, VersionVector.Empty), CancellationToken.None);

        Assert.That(deleted.Set.Siblings, Has.Count.EqualTo(1));
        Assert.That(deleted.Set.Siblings[0].IsTombstone, Is.True);
        Assert.That(deleted.Set.Siblings[0].WrittenAtUnixMs, Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static byte[] Key(string key) => KeyEncoding.Encode("t1", System.Text.Encoding.UTF8.GetBytes(key));

    private Task<StoredVersions> BlindAsync(string value) => BlindAsync(System.Text.Encoding.UTF8.GetBytes(value));

    private Task<StoredVersions> BlindAsync(byte[] value) =>
        _store.ApplyAsync(KeyMutation.Write(KeyBytes, VersionVector.Empty, value), CancellationToken.None);

    /// <summary>A set made elsewhere: one sibling per remote node, each of <paramref name="valueBytes"/> bytes.</summary>
    private static SiblingSet SetOf(int siblings, int valueBytes)
    {
        var list = new List<Sibling>();
        for (var i = 0; i < siblings; i++)
        {
            list.Add(Sibling.Live(new Dot($"remote-{i:D2}", 1), new byte[valueBytes]));
        }
        return SiblingSet.Create(VersionVector.Empty, list);
    }

    /// <summary>The sum recorded since set-up by the node's counter <paramref name="name"/> for one reason.</summary>
    private long Counted(string name, string reason)
    {
        lock (_counted)
        {
            return _counted.GetValueOrDefault((name, reason));
        }
    }

    /// <summary>Sums every counter measurement of this test's node meter by (instrument, reason).</summary>
    private MeterListener ListenToCounters()
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MetricNames.ReasonLabel && tag.Value is string reason)
                {
                    lock (_counted)
                    {
                        _counted[(instrument.Name, reason)] = _counted.GetValueOrDefault((instrument.Name, reason)) + value;
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}
