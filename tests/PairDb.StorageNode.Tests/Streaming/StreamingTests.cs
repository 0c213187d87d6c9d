using Google.Protobuf;
using Grpc.Core;
using PairDb.Client.Tooling;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.StreamingKit;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.Streaming;

/// <summary>
/// StreamRange, FetchRanges, RangeDigests and CheckRangeCoverage between two real node processes shared by the
/// fixture; each test works on its own tenant (requests are bounded to its keys) so tests do not see each other.
/// </summary>
[NonParallelizable]
public sealed class StreamingTests
{
    private TestDirectory _directory = null!;
    private StorageNodeProcess _source = null!;
    private StorageNodeProcess _target = null!;

    [OneTimeSetUp]
    public async Task StartNodes()
    {
        _directory = TestDirectory.Create(nameof(StreamingTests));
        var source = StartNodeAsync(_directory.Path, "node-a");
        var target = StartNodeAsync(_directory.Path, "node-b");
        _source = await source;
        _target = await target;
    }

    [OneTimeTearDown]
    public async Task StopNodes()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task FetchRanges_WholeTenant_EveryKeyArrivesWithIdenticalVersions()
    {
        await WriteManyAsync(_source, "t-copy", 1500, 1024);

        var progress = await FetchAsync(_target, FetchTenant(_source, "t-copy", batchSize: 400));

        var mismatched = new List<string>();
        for (var i = 0; i < 1500; i += 7)
        {
            var onSource = await _source.Client.ReadAsync(Read("t-copy", $"k{i:D6}"));
            var onTarget = await _target.Client.ReadAsync(Read("t-copy", $"k{i:D6}"));
            if (!onTarget.Found || onTarget.Versions != onSource.Versions)
            {
                mismatched.Add($"k{i:D6}");
            }
        }

        var streamed = Keys(await StreamAsync(_target, StreamTenant("t-copy", 0)));
        Assert.Multiple(() =>
        {
            Assert.That(mismatched, Is.Empty, "keys whose versions differ between source and target");
            Assert.That(streamed, Has.Count.EqualTo(1500));
            Assert.That(progress[^1].Done, Is.True);
            Assert.That(progress[^1].KeysCopied, Is.EqualTo(1500UL));
            Assert.That(progress[0].EstimatedKeys, Is.GreaterThan(0UL));
            Assert.That(progress[^1].BytesTransferred, Is.GreaterThan(1500UL * 1024));
            Assert.That(progress.Count, Is.GreaterThanOrEqualTo(4), "one progress message per applied batch of 400");
        });
        var metrics = await _target.Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Match("streaming_bytes_transferred_total\\{[^}]*\\} [1-9]"));
        Assert.That(metrics, Does.Contain("streaming_throughput_mbps"));
        Assert.That(_target.ReadLog(), Does.Contain("Streaming pull finished stream_id=test-t-copy"));
    }

    [Test]
    public async Task StreamRange_StartAfterKey_ResumesStrictlyAfterIt()
    {
        await WriteManyAsync(_source, "t-resume", 100, 16);
        var all = await StreamAsync(_source, StreamTenant("t-resume", 30));
        var resumeAt = all[1].LastKey; // the 60th key

        var request = StreamTenant("t-resume", 30);
        request.StartAfterKey = resumeAt;
        var rest = Keys(await StreamAsync(_source, request));

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Count.EqualTo(4));
            Assert.That(all[^1].Done, Is.True);
            Assert.That(all[0].Done, Is.False);
            Assert.That(KeyOf(resumeAt), Is.EqualTo("k000059"));
            Assert.That(rest, Is.EqualTo(Keys(all).Skip(60).ToList()));
        });
    }

    [Test]
    public async Task StreamRange_WrappingAndPlainRanges_SendsExactlyTheKeysInThem()
    {
        await WriteManyAsync(_source, "t-tokens", 400, 8);
        var tokens = Enumerable.Range(0, 400).Select(i => ($"k{i:D6}", TokenOf("t-tokens", $"k{i:D6}"))).ToList();
        const ulong High = 0xC000_0000_0000_0000UL, Low = 0x2000_0000_0000_0000UL;
        const ulong MidStart = 0x6000_0000_0000_0000UL, MidEnd = 0x8000_0000_0000_0000UL;
        var wrap = new TokenRange { StartToken = High, EndToken = Low };
        var plain = new TokenRange { StartToken = MidStart, EndToken = MidEnd };

        var keys = Keys(await StreamAsync(_source, StreamTenant("t-tokens", 50, wrap, plain)));

        var expected = tokens.Where(t => t.Item2 > High || t.Item2 <= Low || (t.Item2 > MidStart && t.Item2 <= MidEnd)).Select(t => t.Item1).ToList();
        Assert.That(expected, Has.Count.GreaterThan(50), "enough keys fall in the ranges for the test to mean something");
        Assert.That(keys, Is.EqualTo(expected));
    }

    [Test]
    public async Task FetchRanges_TargetHoldsNewerVersion_MergeKeepsIt()
    {
        var written = await _source.Client.CoordinatedWriteAsync(Write("t-merge", "key", "v1"));
        await _target.Client.ReplicaWriteAsync(new ReplicaWriteRequest { TenantId = "t-merge", Key = Bytes("key"), Versions = written.Versions });
        await _target.Client.CoordinatedWriteAsync(Write("t-merge", "key", "v2-on-target", Parse(written.Versions)));
        await _target.Client.CoordinatedWriteAsync(Write("t-merge", "only-target", "mine"));
        await _source.Client.CoordinatedWriteAsync(Write("t-merge", "only-source", "theirs"));

        await FetchAsync(_target, FetchTenant(_source, "t-merge"));

        var key = Parse((await _target.Client.ReadAsync(Read("t-merge", "key"))).Versions);
        var onlyTarget = await _target.Client.ReadAsync(Read("t-merge", "only-target"));
        var onlySource = await _target.Client.ReadAsync(Read("t-merge", "only-source"));
        Assert.Multiple(() =>
        {
            Assert.That(LiveValues(key), Is.EqualTo(new[] { "v2-on-target" }));
            Assert.That(LiveValues(Parse(onlyTarget.Versions)), Is.EqualTo(new[] { "mine" }));
            Assert.That(LiveValues(Parse(onlySource.Versions)), Is.EqualTo(new[] { "theirs" }));
        });
    }

    [Test]
    public async Task RangeDigests_SeveralRanges_EqualEachSingleRangeDigest()
    {
        await WriteManyAsync(_source, "t-digests", 300, 32);
        TokenRange[] ranges =
        [
            new() { StartToken = 0, EndToken = 1UL << 62 },
            new() { StartToken = 0xF000_0000_0000_0000UL, EndToken = 0x1000_0000_0000_0000UL }, // wraps, overlaps the first
            new() { StartToken = 7, EndToken = 7 }, // whole ring
            new() { StartToken = 1UL << 63, EndToken = (1UL << 63) + 1 }, // (almost surely) empty
        ];
        var request = new RangeDigestsRequest();
        request.Ranges.Add(ranges);

        var many = await _source.Client.RangeDigestsAsync(request);

        Assert.That(many.Digests, Has.Count.EqualTo(ranges.Length));
        for (var i = 0; i < ranges.Length; i++)
        {
            var single = await _source.Client.RangeDigestAsync(new RangeDigestRequest { StartToken = ranges[i].StartToken, EndToken = ranges[i].EndToken });
            Assert.That(many.Digests[i], Is.EqualTo(single), $"range {i} {ranges[i]}");
        }

        Assert.That(many.Digests[2].KeyCount, Is.GreaterThanOrEqualTo(300UL));
    }

    [Test]
    public async Task CheckRangeCoverage_TargetMissesAndLagsKeys_CountsThem()
    {
        // Coverage requests are not bounded by tenant, so they run between two nodes of their own.
        using var directory = TestDirectory.Create("coverage");
        var startOwner = StartNodeAsync(directory.Path, "owner");
        var startLeaving = StartNodeAsync(directory.Path, "leaving");
        await using var owner = await startOwner;
        await using var leaving = await startLeaving;
        await WriteManyAsync(leaving, "t-cover", 50, 64);
        await FetchAsync(owner, FetchTenant(leaving, "t-cover"));
        var before = await Coverage(owner, leaving);
        await WriteManyAsync(leaving, "t-cover", 3, 64, prefix: "new"); // missing on the owner
        var current = Parse((await leaving.Client.ReadAsync(Read("t-cover", "k000001"))).Versions);
        await leaving.Client.CoordinatedWriteAsync(Write("t-cover", "k000001", "updated", current)); // owner is behind
        await leaving.Client.CoordinatedWriteAsync(Write("t-cover", "k000002", "concurrent")); // a sibling the owner lacks

        var after = await Coverage(owner, leaving);

        Assert.Multiple(() =>
        {
            Assert.That((before.KeysChecked, before.KeysMissing, before.KeysBehind), Is.EqualTo((50UL, 0UL, 0UL)));
            Assert.That((after.KeysChecked, after.KeysMissing, after.KeysBehind), Is.EqualTo((53UL, 3UL, 2UL)));
        });
    }

    [Test]
    public async Task StreamRange_MaxMegabytesPerSecond_PacesTheStream()
    {
        await WriteManyAsync(_source, "t-pace", 2000, 1024); // about 2 MiB
        var request = StreamTenant("t-pace", 100);
        request.MaxMegabytesPerSecond = 1;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var keys = Keys(await StreamAsync(_source, request));

        // The bucket starts with one second's worth, so ~2 MiB at 1 MB/s cannot take less than about a second.
        Assert.That(keys, Has.Count.EqualTo(2000));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)));
    }

    [Test]
    public void FetchRanges_SourceUnreachable_FailsWithNodeNotReady()
    {
        var request = FetchTenant(_source, "t-unreachable");
        request.SourcePort = (uint)FreePort.Next(1)[0];

        var error = Assert.ThrowsAsync<RpcException>(() => FetchAsync(_target, request));

        Assert.That(CodeOf(error!), Is.EqualTo(ErrorCode.NodeNotReady));
    }

    private static async Task<CheckRangeCoverageReply> Coverage(StorageNodeProcess owner, StorageNodeProcess source)
    {
        var request = new CheckRangeCoverageRequest { SourceHost = "127.0.0.1", SourcePort = (uint)source.GrpcPort };
        request.Ranges.Add(WholeRing);
        return await owner.Client.CheckRangeCoverageAsync(request);
    }
}
