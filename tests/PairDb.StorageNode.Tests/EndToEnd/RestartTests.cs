using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>Acknowledged writes survive a graceful restart and a kill -9 (sync durability is the default).</summary>
[NonParallelizable]
public sealed class RestartTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [TestCase(false, TestName = "Restart_Graceful_EveryAcknowledgedWriteReadsBack")]
    [TestCase(true, TestName = "Restart_KillDuringWrites_EveryAcknowledgedWriteReadsBack")]
    public async Task Restart_AcknowledgedWrites_ReadBack(bool kill)
    {
        await using var node = await StorageNodeProcess.StartAsync(_directory.Path);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var writers = new List<Task>();
        for (var w = 0; w < 8; w++)
        {
            var writer = w;
            writers.Add(Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var n = (writer * 100_000) + i;
                    try
                    {
                        await node.Client.CoordinatedWriteAsync(Write("t1", "k" + n, "v" + n));
                        acknowledged.Add(n);
                    }
                    catch (Grpc.Core.RpcException)
                    {
                        return;
                    }
                }
            }));
        }

        await WaitUntilAsync(() => acknowledged.Count >= 200, "200 acknowledged writes");
        if (!kill)
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await node.RestartAsync(kill);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var missing = new List<int>();
        foreach (var n in acknowledged)
        {
            var read = await node.Client.ReadAsync(Read("t1", "k" + n));
            if (!read.Found || LiveValues(Parse(read.Versions)) is not [var value] || value != "v" + n)
            {
                missing.Add(n);
            }
        }

        Assert.That(missing, Is.Empty, $"of {acknowledged.Count} acknowledged writes");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after 30 s waiting for {what}");
            }

            await ticks.WaitForNextTickAsync();
        }
    }
}
