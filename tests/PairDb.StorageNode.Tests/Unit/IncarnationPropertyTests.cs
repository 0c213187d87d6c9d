using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.Engine.IO;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Identity;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>
/// No sequence of blind writes, replication, restarts, wipes and clear-alls of any replica can make a later
/// blind write cover an earlier one that nobody saw: random histories over three real replicas (engine,
/// identity, versioned store), checked against a model of which replica still holds which write.
/// The same checker run over the pre-incarnation minting rule (dots under the bare node id) must find the
/// loss, which shows the property is strong enough to catch the bug it guards against.
/// </summary>
public sealed class IncarnationPropertyTests
{
    // Each real history opens engines with fsync'ed writes (about a second a history on a small machine).
    private const int Seeds = 20;
    private const int OpsPerHistory = 40;
    private static readonly string[] Keys = ["k0", "k1"];

    [Test]
    public async Task RandomHistories_RealReplicas_NoBlindWriteEverCoversAnUnseenOne()
    {
        for (var seed = 1; seed <= Seeds; seed++)
        {
            using var directory = TestDirectory.Create();
            var replicas = new IReplica[3];
            for (var i = 0; i < replicas.Length; i++)
            {
                replicas[i] = new RealReplica($"n{i}", directory.Combine($"n{i}"));
            }

            try
            {
                var failure = await RunAsync(seed, replicas);
                Assert.That(failure, Is.Null, $"seed {seed}");
            }
            finally
            {
                foreach (var replica in replicas)
                {
                    ((RealReplica)replica).Dispose();
                }
            }
        }
    }

    [Test]
    public async Task RandomHistories_BareNodeIdDots_CheckerFindsTheLostWrite()
    {
        var found = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            IReplica[] replicas = [new BareIdReplica("n0"), new BareIdReplica("n1"), new BareIdReplica("n2")];
            if (await RunAsync(seed, replicas) is not null)
            {
                found++;
            }
        }

        Assert.That(found, Is.GreaterThan(0), "minting under the bare node id after a wipe loses writes, and the checker must see it");
    }

    /// <summary>Runs one history; returns what went wrong, or null.</summary>
    private static async Task<string?> RunAsync(int seed, IReplica[] replicas)
    {
        var random = new Random(seed);
        var writes = new List<(string Key, string Value, Dot Dot)>();
        // Model: which replicas hold each write (by value). Blind writes never replace anything, so only a
        // wipe or a clear-all takes a write away from a replica.
        var holders = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var history = new StringBuilder();
        for (var op = 0; op < OpsPerHistory; op++)
        {
            var r = random.Next(3);
            var other = (r + 1 + random.Next(2)) % 3;
            var key = Keys[random.Next(Keys.Length)];
            switch (random.Next(10))
            {
                case < 5:
                    {
                        // A blind write coordinated by r and replicated to one more replica (W=2).
                        var value = $"v{op}";
                        var set = await replicas[r].WriteAsync(key, value);
                        var dot = set.Siblings.Single(s => Encoding.UTF8.GetString(s.Value.Span) == value).Dot;
                        await replicas[other].MergeAsync(key, set);
                        writes.Add((key, value, dot));
                        holders[value] = [r, other];
                        history.Append($"write({key},{value},r{r}->r{other},{dot}) ");
                        break;
                    }

                case < 7:
                    // Anti-entropy / read repair of one key from r to other.
                    await replicas[other].MergeAsync(key, replicas[r].Read(key));
                    foreach (var (k, value, _) in writes)
                    {
                        if (k == key && holders[value].Contains(r))
                        {
                            holders[value].Add(other);
                        }
                    }

                    history.Append($"sync({key},r{r}->r{other}) ");
                    break;
                case 7:
                    await replicas[r].RestartAsync();
                    history.Append($"restart(r{r}) ");
                    break;
                case 8:
                    await replicas[r].WipeAsync();
                    Forget(holders, r);
                    history.Append($"wipe(r{r}) ");
                    break;
                default:
                    await replicas[r].ClearAllAsync();
                    Forget(holders, r);
                    history.Append($"clear-all(r{r}) ");
                    break;
            }
        }

        // Dots are per key: the same (actor, counter) on two keys is two different writes.
        var dots = new HashSet<(string, Dot)>();
        foreach (var (key, value, dot) in writes)
        {
            if (!dots.Add((key, dot)))
            {
                return $"two acknowledged writes of {key} share the dot {dot} (second: {value}); history: {history}";
            }
        }

        foreach (var key in Keys)
        {
            var merged = SiblingSet.Merge(replicas.Select(replica => replica.Read(key)));
            var values = merged.Siblings.Select(s => Encoding.UTF8.GetString(s.Value.Span)).ToHashSet(StringComparer.Ordinal);
            foreach (var (k, value, dot) in writes)
            {
                if (k == key && holders[value].Count > 0 && !values.Contains(value))
                {
                    return $"{value} ({dot}) is held by replica(s) {string.Join(",", holders[value])} but missing from the merged set {merged}; history: {history}";
                }
            }

            foreach (var value in values)
            {
                if (!writes.Exists(w => w.Key == key && w.Value == value))
                {
                    return $"{value} was never written to {key}; history: {history}";
                }
            }
        }

        return null;
    }

    private static void Forget(Dictionary<string, HashSet<int>> holders, int replica)
    {
        foreach (var set in holders.Values)
        {
            set.Remove(replica);
        }
    }

    private interface IReplica
    {
        Task<SiblingSet> WriteAsync(string key, string value);

        Task MergeAsync(string key, SiblingSet set);

        SiblingSet Read(string key);

        Task RestartAsync();

        Task WipeAsync();

        Task ClearAllAsync();
    }

    /// <summary>A storage node's data path: engine, identity and versioned store in one directory.</summary>
    private sealed class RealReplica : IReplica, IDisposable
    {
        private readonly string _nodeId;
        private readonly string _path;
        private LsmEngine _engine = null!;
        private NodeIdentity _identity = null!;
        private VersionedStore _store = null!;

        public RealReplica(string nodeId, string path)
        {
            _nodeId = nodeId;
            _path = path;
            Open();
        }

        public async Task<SiblingSet> WriteAsync(string key, string value) =>
            (await _store.ApplyAsync(KeyMutation.Write(Encode(key), VersionVector.Empty, Encoding.UTF8.GetBytes(value)), CancellationToken.None)).Set;

        public Task MergeAsync(string key, SiblingSet set) =>
            _store.ApplyAsync(KeyMutation.Merge(Encode(key), set), CancellationToken.None);

        public SiblingSet Read(string key) => _store.Read(Encode(key))?.Set ?? SiblingSet.Empty;

        public Task RestartAsync()
        {
            Dispose();
            Open();
            return Task.CompletedTask;
        }

        public Task WipeAsync()
        {
            Dispose();
            Directory.Delete(_path, recursive: true);
            Open();
            return Task.CompletedTask;
        }

        public Task ClearAllAsync() => _store.ClearAllAsync(CancellationToken.None);

        public void Dispose()
        {
            _engine.Dispose();
            _identity.Dispose();
        }

        private void Open()
        {
            _identity = NodeIdentity.Open(_path, _nodeId, PhysicalFileSystem.Instance, TimeProvider.System, NullLogger.Instance);
            _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _path, Durability = DurabilityMode.Sync });
            _store = new VersionedStore(_engine, new KeyLocks(16), _identity, 16, TimeProvider.System);
        }

        private static byte[] Encode(string key) => KeyEncoding.Encode("t1", Encoding.UTF8.GetBytes(key));
    }

    /// <summary>The minting rule before incarnations: dots under the bare node id, whatever the replica lost.</summary>
    private sealed class BareIdReplica(string nodeId) : IReplica
    {
        private readonly Dictionary<string, SiblingSet> _sets = new(StringComparer.Ordinal);

        public Task<SiblingSet> WriteAsync(string key, string value)
        {
            var set = Read(key).Update(VersionVector.Empty, nodeId, Encoding.UTF8.GetBytes(value));
            _sets[key] = set;
            return Task.FromResult(set);
        }

        public Task MergeAsync(string key, SiblingSet set)
        {
            _sets[key] = Read(key).MergeWith(set);
            return Task.CompletedTask;
        }

        public SiblingSet Read(string key) => _sets.GetValueOrDefault(key) ?? SiblingSet.Empty;

        public Task RestartAsync() => Task.CompletedTask;

        public Task WipeAsync()
        {
            _sets.Clear();
            return Task.CompletedTask;
        }

        public Task ClearAllAsync() => WipeAsync();
    }
}
