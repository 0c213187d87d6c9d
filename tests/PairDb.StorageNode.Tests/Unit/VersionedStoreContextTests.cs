using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.Engine.IO;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Identity;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>
/// The coordinating replica's context check inside the read-modify-write, and per-item isolation of a
/// batch: a hostile item fails alone with INVALID_VECTOR_CLOCK and stores nothing; the rest is written.
/// </summary>
public sealed class VersionedStoreContextTests
{
    private const ulong Lead = 100;
    private TestDirectory _directory = null!;
    private LsmEngine _engine = null!;
    private NodeIdentity _identity = null!;
    private VersionedStore _store = null!;
    private LogFaults _logFaults = null!;

    private string Actor => _identity.Current.Actor;

    [SetUp]
    public void SetUp()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _directory = TestDirectory.Create();
        _logFaults = new LogFaults();
        _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _directory.Path, Durability = DurabilityMode.Sync, FileSystem = _logFaults });
        _identity = NodeIdentity.Open(_directory.Path, "n1", PhysicalFileSystem.Instance, time, NullLogger.Instance);
        _store = new VersionedStore(_engine, new KeyLocks(64), _identity, 10, time) { MaxContextCounterLead = Lead };
    }

    [TearDown]
    public void TearDown()
    {
        _logFaults.Armed = false;
        _engine.Dispose();
        _identity.Dispose();
        _directory.Dispose();
    }

    private static byte[] Key(string key) => KeyEncoding.Encode("t1", System.Text.Encoding.UTF8.GetBytes(key));

    private static KeyMutation Write(string key, VersionVector context, string value) =>
        KeyMutation.Write(Key(key), context, System.Text.Encoding.UTF8.GetBytes(value));

    private async Task<SiblingSet> StoredAfterWritesAsync(string key, int writes)
    {
        var set = SiblingSet.Empty;
        for (var i = 0; i < writes; i++)
        {
            set = (await _store.ApplyAsync(Write(key, set.Context, "v" + i), CancellationToken.None)).Set;
        }

        return set;
    }

    [Test]
    public async Task ApplyAsync_OwnActorCounterAboveStored_InvalidVectorClockAndNothingStored()
    {
        var stored = await StoredAfterWritesAsync("own", 3);
        var hostile = stored.Context.With(Actor, 4);

        var error = Assert.ThrowsAsync<PairDbException>(() => _store.ApplyAsync(Write("own", hostile, "evil"), CancellationToken.None));
        var deleteError = Assert.ThrowsAsync<PairDbException>(() => _store.ApplyAsync(KeyMutation.Delete(Key("own"), hostile), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(error.Message, Does.Contain(Actor).And.Contain("counter 4 ").And.Contain("only 3 "));
            Assert.That(deleteError!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(_store.Read(Key("own"))!.Value.Set, Is.EqualTo(stored), "a refused write changes nothing stored");
        });
    }

    [Test]
    public async Task ApplyAsync_OwnActorCounterOnAKeyNeverWrittenHere_InvalidVectorClock()
    {
        var hostile = VersionVector.From([new Dot(Actor, 1)]);

        var error = Assert.ThrowsAsync<PairDbException>(() => _store.ApplyAsync(Write("fresh", hostile, "evil"), CancellationToken.None));

        Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(_store.Read(Key("fresh")), Is.Null);
    }

    [Test]
    public async Task ApplyAsync_OtherActorWithinTheLead_AcceptedBeyondIt_Refused()
    {
        var stored = await StoredAfterWritesAsync("other", 1);
        var within = stored.Context.With("peer@x", Lead);
        var beyond = stored.Context.With("peer@x", Lead + 1);

        var error = Assert.ThrowsAsync<PairDbException>(() => _store.ApplyAsync(Write("other", beyond, "evil"), CancellationToken.None));
        var accepted = await _store.ApplyAsync(Write("other", within, "fine"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(error.Message, Does.Contain("peer@x").And.Contain($"counter {Lead + 1} "));
            Assert.That(accepted.Set.Context.Get("peer@x"), Is.EqualTo(Lead));
            Assert.That(accepted.Set.Siblings.Single().Dot, Is.EqualTo(new Dot(Actor, 2)));
        });
    }

    [Test]
    public async Task ApplyAsync_ContextReadBackFromTheStore_AlwaysAccepted()
    {
        var stored = await StoredAfterWritesAsync("read-back", 5);
        var stale = stored;
        stored = await StoredAfterWritesAsync("read-back", 2);

        // A stale read context and the current one: both were issued by this replica.
        var fromStale = await _store.ApplyAsync(Write("read-back", stale.Context, "a"), CancellationToken.None);
        var fromCurrent = await _store.ApplyAsync(Write("read-back", _store.Read(Key("read-back"))!.Value.Set.Context, "b"), CancellationToken.None);

        Assert.That(fromCurrent.Set.Siblings.Single().Dot.Counter, Is.GreaterThan(fromStale.Set.Siblings.Max(s => s.Dot.Counter)));
    }

    [Test]
    public async Task ApplyAsync_BatchWithOneHostileItem_OthersWrittenHostileFailsAloneStoresNothing()
    {
        var existing = await StoredAfterWritesAsync("victim", 2);
        var hostile = existing.Context.With(Actor, existing.Context.Get(Actor) + 1000);

        var outcomes = await _store.ApplyAsync(
        [
            Write("a", VersionVector.Empty, "1"),
            Write("victim", hostile, "evil"),
            Write("b", VersionVector.Empty, "2"),
            Write("fresh-hostile", VersionVector.From([new Dot(Actor, 1)]), "evil"),
            Write("victim", existing.Context, "resolved"),
        ], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Succeeded), Is.EqualTo(new[] { true, false, true, false, true }));
            Assert.That(((PairDbException)outcomes[1].Failure!).Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(((PairDbException)outcomes[3].Failure!).Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(_store.Read(Key("a")), Is.Not.Null);
            Assert.That(_store.Read(Key("b")), Is.Not.Null);
            Assert.That(_store.Read(Key("fresh-hostile")), Is.Null, "nothing stored for the hostile item");
            // The later item of the same key saw the key as the hostile one left it: untouched.
            var victim = _store.Read(Key("victim"))!.Value.Set;
            Assert.That(victim.Siblings.Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span)), Is.EqualTo(new[] { "resolved" }));
            Assert.That(victim.Context.Get(Actor), Is.EqualTo(3UL), "the refused item minted no dot");
            Assert.That(outcomes[4].Stored.Set, Is.EqualTo(victim));
        });
    }

    [Test]
    public async Task ApplyAsync_BatchOfOnlyHostileItems_AllFailNothingWritten()
    {
        var hostile = VersionVector.From([new Dot(Actor, 5)]);

        var outcomes = await _store.ApplyAsync([Write("x", hostile, "1"), Write("y", hostile, "2")], CancellationToken.None);
        var single = await _store.ApplyAsync([Write("z", hostile, "3")], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Concat(single).Select(o => (o.Failure as PairDbException)?.Code), Is.All.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(new[] { "x", "y", "z" }.Select(k => _store.Read(Key(k))), Is.All.Null);
        });
    }

    [Test]
    public async Task ApplyAsync_BatchWhenTheEngineWriteFails_FailsEveryWrittenItemWithThatOneFailure()
    {
        await StoredAfterWritesAsync("before-fault", 1);
        _logFaults.Armed = true;

        var outcomes = await _store.ApplyAsync(
            [Write("p", VersionVector.Empty, "1"), Write("hostile", VersionVector.From([new Dot(Actor, 9)]), "2"), Write("q", VersionVector.Empty, "3")],
            CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Succeeded), Is.All.False);
            Assert.That(outcomes[0].Failure, Is.SameAs(outcomes[2].Failure), "one engine write, one failure");
            Assert.That(outcomes[0].Failure, Is.Not.TypeOf<PairDbException>());
            Assert.That(((PairDbException)outcomes[1].Failure!).Code, Is.EqualTo(ErrorCode.InvalidVectorClock), "the item that failed alone keeps its own code");
        });
    }

    /// <summary>The physical file system, except that commit-log writes and syncs fail while armed.</summary>
    private sealed class LogFaults : IStorageFileSystem
    {
        private readonly IStorageFileSystem _inner = PhysicalFileSystem.Instance;

        public volatile bool Armed;

        public IStorageFile Create(string path, long preallocationSize = 0) => new File(this, _inner.Create(path, preallocationSize));

        public IStorageFile OpenExisting(string path) => new File(this, _inner.OpenExisting(path));

        public void SyncDirectory(string directory) => _inner.SyncDirectory(directory);

        public void Replace(string source, string destination) => _inner.Replace(source, destination);

        public void Delete(string path) => _inner.Delete(path);

        public bool FileExists(string path) => _inner.FileExists(path);

        public void CreateDirectory(string path) => _inner.CreateDirectory(path);

        public string[] ListFiles(string directory, string searchPattern) => _inner.ListFiles(directory, searchPattern);

        public byte[] ReadAllBytes(string path) => _inner.ReadAllBytes(path);

        private void Check(string path)
        {
            if (Armed && path.Contains("commitlog", StringComparison.Ordinal))
            {
                throw new IOException($"Input/output error : '{path}'", 5);
            }
        }

        private sealed class File(LogFaults owner, IStorageFile inner) : IStorageFile
        {
            public string Path => inner.Path;

            public long Length => inner.Length;

            public void Write(long offset, ReadOnlySpan<byte> data)
            {
                owner.Check(Path);
                inner.Write(offset, data);
            }

            public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

            public void Sync()
            {
                owner.Check(Path);
                inner.Sync();
            }

            public void SetLength(long length) => inner.SetLength(length);

            public void Dispose() => inner.Dispose();
        }
    }
}
