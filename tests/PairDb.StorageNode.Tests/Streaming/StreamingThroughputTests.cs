using System.Diagnostics;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.StreamingKit;

namespace PairDb.StorageNode.Tests.Streaming;

/// <summary>
/// Streaming throughput on loopback with 1 KiB values (runbook 3.3 target: 100-500 MB/s per stream). Explicit: it
/// writes ~150 MB, too slow for every run; the figures go to the test output. The assertion is only a floor: on a
/// shared two-core machine the figures swing with the load.
/// </summary>
[Explicit("throughput measurement: writes about 150 MB")]
[NonParallelizable]
public sealed class StreamingThroughputTests
{
    private const int Keys = 150_000;

    [Test]
    public async Task StreamRangeAndFetchRanges_OneKiBValues_AtLeastTwentyMegabytesPerSecond()
    {
        using var directory = TestDirectory.Create();
        var startSource = StartNodeAsync(directory.Path, "source");
        var startTarget = StartNodeAsync(directory.Path, "target");
        await using var source = await startSource;
        await using var target = await startTarget;
        await WriteManyAsync(source, "t-speed", Keys, 1024);
        await source.PostJsonAsync("/api/v1/commitlog/force-cleanup");

        var clock = Stopwatch.StartNew();
        var batches = await StreamAsync(source, StreamTenant("t-speed", 0));
        var streamSeconds = clock.Elapsed.TotalSeconds;
        long streamed = 0;
        foreach (var batch in batches)
        {
            foreach (var entry in batch.Entries)
            {
                streamed += entry.Key.Length + entry.Versions.Length;
            }
        }

        clock.Restart();
        var progress = await FetchAsync(target, FetchTenant(source, "t-speed"));
        var fetchSeconds = clock.Elapsed.TotalSeconds;
        var streamMbps = streamed / 1048576.0 / streamSeconds;
        var fetchMbps = progress[^1].BytesTransferred / 1048576.0 / fetchSeconds;
        await TestContext.Progress.WriteLineAsync(
            $"StreamRange: {streamed / 1048576.0:F0} MB in {streamSeconds:F2} s = {streamMbps:F0} MB/s; " +
            $"FetchRanges (apply + fsync per batch): {progress[^1].BytesTransferred / 1048576.0:F0} MB in {fetchSeconds:F2} s = {fetchMbps:F0} MB/s");

        Assert.That(progress[^1].KeysCopied, Is.EqualTo((ulong)Keys));
        Assert.That(streamMbps, Is.GreaterThanOrEqualTo(20));
        Assert.That(fetchMbps, Is.GreaterThanOrEqualTo(20));
    }
}
