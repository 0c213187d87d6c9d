using PairDb.Engine.Format;
using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Tests;

public sealed class SkipListMemTableTests
{
    [Test]
    public void First_ManyRandomVersions_IteratesByKeyThenNewestFirst()
    {
        var table = new SkipListMemTable(1, 64 << 10);
        var random = new Random(7);
        var expected = new List<(byte[] Key, long Sequence)>();
        for (var sequence = 1L; sequence <= 5000; sequence++)
        {
            // Few distinct keys of mixed lengths, so many share 8-byte prefixes and have several versions.
            var key = new byte[random.Next(1, 14)];
            random.NextBytes(key.AsSpan(0, Math.Min(2, key.Length)));
            table.Add(key, sequence, EntryKind.Value, 0, BitConverter.GetBytes(sequence));
            expected.Add((key, sequence));
        }

        expected.Sort((a, b) => ByteKeyComparer.CompareInternal(a.Key, a.Sequence, b.Key, b.Sequence));
        var actual = new List<(byte[] Key, long Sequence)>();
        for (var node = table.First(); node != 0; node = table.Next(node, 0))
        {
            actual.Add((table.KeyOf(node).ToArray(), table.SequenceOf(node)));
            Assert.That(BitConverter.ToInt64(table.ValueOf(node)), Is.EqualTo(table.SequenceOf(node)));
        }

        Assert.That(actual.Select(e => Bytes.Hex(e.Key) + "@" + e.Sequence), Is.EqualTo(expected.Select(e => Bytes.Hex(e.Key) + "@" + e.Sequence)));
    }

    [Test]
    public void FindNewest_SnapshotBetweenVersions_ReturnsNewestVisibleVersion()
    {
        var table = new SkipListMemTable(1, 64 << 10);
        var key = Bytes.Of("key");
        table.Add(key, 10, EntryKind.Value, 0, Bytes.Of("v10"));
        table.Add(Bytes.Of("kez"), 11, EntryKind.Value, 0, Bytes.Of("other"));
        table.Add(key, 20, EntryKind.Tombstone, 0, []);
        table.Add(key, 30, EntryKind.ExpiringValue, 12345, Bytes.Of("v30"));
        var hash = BloomFilter.Hash(key);

        Assert.That(table.FindNewest(hash, key, 9), Is.EqualTo((nint)0));
        Assert.That(Text(table.ValueOf(table.FindNewest(hash, key, 19))), Is.EqualTo("v10"));
        Assert.That(table.KindOf(table.FindNewest(hash, key, 25)), Is.EqualTo(EntryKind.Tombstone));
        var newest = table.FindNewest(hash, key, long.MaxValue);
        Assert.That((table.KindOf(newest), table.ExpiresOf(newest), table.SequenceOf(newest), Text(table.ValueOf(newest))), Is.EqualTo((EntryKind.ExpiringValue, 12345L, 30L, "v30")));
    }

    [Test]
    public void FindNewest_KeysSharingTheirFirstBytes_TellsThemApart()
    {
        var table = new SkipListMemTable(1, 64 << 10);
        string[] keys = ["a", "a\0", "a\0\0", "abcdefgh", "abcdefgh\0", "abcdefghi", "abcdefg"];
        for (var i = 0; i < keys.Length; i++)
        {
            table.Add(Bytes.Of(keys[i]), i + 1, EntryKind.Value, 0, Bytes.Of(keys[i]));
        }

        foreach (var key in keys)
        {
            var node = table.FindNewest(BloomFilter.Hash(Bytes.Of(key)), Bytes.Of(key), long.MaxValue);
            Assert.That(Text(table.ValueOf(node)), Is.EqualTo(key));
        }

        Assert.That(table.FindNewest(BloomFilter.Hash(Bytes.Of("abc")), Bytes.Of("abc"), long.MaxValue), Is.EqualTo((nint)0));
        Assert.That(Text(table.KeyOf(table.Seek(Bytes.Of("abcdefgh\0\0"), long.MaxValue))), Is.EqualTo("abcdefghi"));
    }

    [Test]
    public void FindNewest_FarMoreKeysThanTheInitialPointIndex_FindsEveryKeyAndCountsItsMemory()
    {
        var table = new SkipListMemTable(1, 64 << 10);
        for (var i = 0; i < 20_000; i++)
        {
            table.Add(BitConverter.GetBytes(i), i + 1, EntryKind.Value, 0, []);
        }

        for (var i = 0; i < 20_000; i++)
        {
            var key = BitConverter.GetBytes(i);
            Assert.That(table.SequenceOf(table.FindNewest(BloomFilter.Hash(key), key, long.MaxValue)), Is.EqualTo(i + 1));
        }

        Assert.That(table.Count, Is.EqualTo(20_000));
        // At least the point index's 8-byte slots (at most 3/4 full) and a record and index node per entry.
        Assert.That(table.ApproximateBytes, Is.GreaterThan(20_000 * (8 + 16 + 4 + 24)));
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Bytes.Text(bytes.ToArray());
}
