using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using PairDb.Hosting;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class CleartextProtocolSniffingTests
{
    private const string Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    [TestCase("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", false)]
    [TestCase("POST /api/v1/rebalance/start HTTP/1.1\r\n", false)]
    [TestCase(Preface, true)]
    [TestCase(Preface + "\0\0\x12\x04", true)]
    [TestCase("PRI * HTTP/1.1\r\n", false)]
    [TestCase("PRI * HT", null)]
    [TestCase("", null)]
    public void Classify_FirstBytes_DecidesOnlyWhenItCan(string bytes, bool? expected) =>
        Assert.That(CleartextProtocolSniffing.Classify(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(bytes))), Is.EqualTo(expected));

    [Test]
    public async Task StartsWithPrefaceAsync_PrefaceInPieces_WaitsForAllOfItAndConsumesNothing()
    {
        var pipe = new Pipe();
        var sniff = CleartextProtocolSniffing.StartsWithPrefaceAsync(pipe.Reader, CancellationToken.None);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(Preface[..5]));
        Assert.That(sniff.IsCompleted, Is.False, "five matching bytes decide nothing");
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(Preface[5..] + "rest"));

        Assert.That(await sniff, Is.True);
        var read = await pipe.Reader.ReadAsync();
        Assert.That(Encoding.ASCII.GetString(read.Buffer.ToArray()), Is.EqualTo(Preface + "rest"), "the protocol handler still reads every byte");
    }
}
