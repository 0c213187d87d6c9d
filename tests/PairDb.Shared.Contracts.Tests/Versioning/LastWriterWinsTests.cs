using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

public class LastWriterWinsTests
{
    private static readonly ReadOnlyMemory<byte> Value = "v"u8.ToArray();

    [Test]
    public void Write_BlindOnSiblings_ReplacesEveryOne()
    {
        var current = SiblingSet.Empty.Update(VersionVector.Empty, "a", "1"u8.ToArray());
        current = current.Update(VersionVector.Empty, "b", "2"u8.ToArray());

        var next = LastWriterWins.Write(current, VersionVector.Empty, "a", "3"u8.ToArray(), 0, nowUnixMs: 1_000);

        Assert.That(current.Siblings, Has.Count.EqualTo(2));
        Assert.That(next.Siblings, Has.Count.EqualTo(1));
        Assert.That(next.Siblings[0].Value.ToArray(), Is.EqualTo("3"u8.ToArray()));
        Assert.That(next.Siblings[0].WrittenAtUnixMs, Is.EqualTo(1_000));
        Assert.That(next.Context.Descends(current.Context), Is.True);
    }

    [Test]
    public void StampFor_ClockBehindWhatItReplaces_OneMillisecondPastTheLatest()
    {
        var current = SiblingSet.Create(VersionVector.Empty,
        [
            Sibling.Live(new Dot("a", 1), Value, writtenAtUnixMs: 5_000),
            Sibling.Live(new Dot("b", 1), Value, writtenAtUnixMs: 7_000),
        ]);

        Assert.That(LastWriterWins.StampFor(current, nowUnixMs: 1_000), Is.EqualTo(7_001));
        Assert.That(LastWriterWins.StampFor(current, nowUnixMs: 9_000), Is.EqualTo(9_000));
        Assert.That(LastWriterWins.StampFor(SiblingSet.Empty, nowUnixMs: 0), Is.EqualTo(1), "0 means no stamp");
    }

    [Test]
    public void Winner_LatestWriteTime_WinsWhateverTheDot()
    {
        var set = SiblingSet.Create(VersionVector.Empty,
        [
            Sibling.Live(new Dot("a", 9), "old"u8.ToArray(), writtenAtUnixMs: 100),
            Sibling.Live(new Dot("b", 1), "new"u8.ToArray(), writtenAtUnixMs: 200),
            Sibling.Live(new Dot("c", 1), "unstamped"u8.ToArray()),
        ]);

        Assert.That(LastWriterWins.Winner(set)!.Dot, Is.EqualTo(new Dot("b", 1)));
    }

    [Test]
    public void Winner_SameWriteTime_GreatestDotInAnyOrder()
    {
        var x = Sibling.Live(new Dot("a", 2), "x"u8.ToArray(), writtenAtUnixMs: 100);
        var y = Sibling.Tombstone(new Dot("b", 1), writtenAtUnixMs: 100);

        Assert.That(LastWriterWins.Winner(SiblingSet.Create(VersionVector.Empty, [x, y])), Is.EqualTo(y));
        Assert.That(LastWriterWins.Winner(SiblingSet.Create(VersionVector.Empty, [y, x])), Is.EqualTo(y));
        Assert.That(LastWriterWins.Winner(SiblingSet.Empty), Is.Null);
    }

    [Test]
    public void Resolve_Siblings_WinnerAloneUnderTheFullContext()
    {
        var set = SiblingSet.Create(VersionVector.From([new Dot("z", 4)]),
        [
            Sibling.Live(new Dot("a", 1), "lost"u8.ToArray(), writtenAtUnixMs: 100),
            Sibling.Live(new Dot("b", 1), "won"u8.ToArray(), writtenAtUnixMs: 101),
        ]);

        var resolved = LastWriterWins.Resolve(set);

        Assert.That(resolved.Siblings.Select(s => s.Dot), Is.EqualTo(new[] { new Dot("b", 1) }));
        Assert.That(resolved.Context, Is.EqualTo(set.Context), "a write back with this context replaces every sibling");
    }
}
