using System.Buffers;

namespace PairDb.Engine.Tests;

/// <summary>The pooled WriteBatch buffer: sizing does not change the encoding, and the engine is done with it when Write returns.</summary>
public sealed class WriteBatchPoolingTests
{
    [Test]
    public void WriteBatch_SizedWithPutSize_EncodesLikeAGrownBatch()
    {
        var value = new byte[70_000];
        value.AsSpan().Fill(0x5A);
        using var grown = new WriteBatch();
        using var sized = new WriteBatch(WriteBatch.EmptySize + (2 * WriteBatch.PutSize(2, value.Length)));
        foreach (var batch in new[] { grown, sized })
        {
            batch.Put(Bytes.Of("k1"), value);
            batch.Put(Bytes.Of("k2"), value);
        }

        Assert.That(sized.SizeBytes, Is.EqualTo(WriteBatch.EmptySize + (2 * WriteBatch.PutSize(2, value.Length))));
        Assert.That(sized.Payload.ToArray(), Is.EqualTo(grown.Payload.ToArray()));
    }

    [Test]
    public async Task WriteAsync_BufferReusedBeforeDurable_EntriesKeepTheirValues()
    {
        using var dir = new TempDirectory();
        var value = new byte[1_000];
        value.AsSpan().Fill(0x41);
        using (var engine = LsmEngine.Open(dir.Options(DurabilityMode.Sync)))
        {
            var batch = new WriteBatch(WriteBatch.EmptySize + (300 * WriteBatch.PutSize(8, value.Length)));
            for (var i = 0; i < 300; i++)
            {
                batch.Put(Bytes.Of($"key{i:D5}"), value);
            }

            var durable = engine.WriteAsync(batch);
            batch.Dispose();

            // The pool hands the same buffer to the next renter on this thread; scribbling over it must not reach the engine.
            var reused = ArrayPool<byte>.Shared.Rent(300 * WriteBatch.PutSize(8, value.Length));
            reused.AsSpan().Fill(0xFF);
            await durable;
            ArrayPool<byte>.Shared.Return(reused);
            Assert.That(engine.TryGet(Bytes.Of("key00299"), out var live), Is.True);
            Assert.That(live, Is.EqualTo(value));
        }

        using var reopened = LsmEngine.Open(dir.Options());
        Assert.That(reopened.Scan(null, null).Count(), Is.EqualTo(300));
        Assert.That(reopened.TryGet(Bytes.Of("key00000"), out var replayed), Is.True);
        Assert.That(replayed, Is.EqualTo(value));
    }

    [Test]
    public void Dispose_Twice_IsHarmless()
    {
        var batch = new WriteBatch(1024);
        batch.Put(Bytes.Of("k"), Bytes.Of("v"));
        batch.Dispose();
        batch.Dispose();
        Assert.That(batch.Count, Is.Zero);
    }
}
