using System.Buffers;

namespace PairDb.Engine.Tests;

public sealed class TryGetIntoBufferTests
{
    [Test]
    public void TryGet_IntoBufferWriter_AppendsValuesFromMemtableAndTable()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options());
        engine.Put(Bytes.Of("flushed"), Bytes.Of("from-table"));
        engine.Flush();
        engine.Put(Bytes.Of("fresh"), Bytes.Of("from-memtable"));
        var buffer = new ArrayBufferWriter<byte>();

        var foundFlushed = engine.TryGet(Bytes.Of("flushed"), buffer);
        var foundFresh = engine.TryGet(Bytes.Of("fresh"), buffer);

        Assert.That((foundFlushed, foundFresh, Bytes.Text(buffer.WrittenSpan.ToArray())), Is.EqualTo((true, true, "from-tablefrom-memtable")));
    }

    [Test]
    public void TryGet_IntoBufferWriter_DeletedOrMissingKey_ReturnsFalseAndWritesNothing()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options());
        engine.Put(Bytes.Of("gone"), Bytes.Of("value"));
        engine.Flush();
        engine.Delete(Bytes.Of("gone"));
        var buffer = new ArrayBufferWriter<byte>();

        var foundDeleted = engine.TryGet(Bytes.Of("gone"), buffer);
        var foundMissing = engine.TryGet(Bytes.Of("never"), buffer);

        Assert.That((foundDeleted, foundMissing, buffer.WrittenCount), Is.EqualTo((false, false, 0)));
    }
}
