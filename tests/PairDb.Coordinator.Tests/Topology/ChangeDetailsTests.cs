using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Tests.Topology;

public sealed class ChangeDetailsTests
{
    [Test]
    public void ToJson_Stream_SnakeCaseExactTokensAndBase64ResumeKey()
    {
        var details = new ChangeDetails
        {
            Phase = ChangePhases.Copying,
            VirtualNodes = 150,
            Node = new NodeAddress("127.0.0.1", 7411, 7410),
            Streams =
            [
                new StreamProgress
                {
                    Id = 0, Source = "n1", Target = "n4", Ranges = [ChangeDetails.ToJson(new TokenRange(ulong.MaxValue, 5))],
                    LastKey = [1, 2], KeysCopied = 7, BytesTransferred = 9, EstimatedKeys = 11,
                },
            ],
        };

        var json = details.ToJson();

        Assert.That(json, Does.Contain("\"phase\":\"copying\""));
        Assert.That(json, Does.Contain("\"node\":{\"host\":\"127.0.0.1\",\"grpc_port\":7411,\"http_port\":7410,\"scheme\":\"http\"}"));
        Assert.That(json, Does.Contain("\"ranges\":[[18446744073709551615,5]]"));
        Assert.That(json, Does.Contain("\"last_key\":\"AQI=\""));
        Assert.That(json, Does.Contain("\"keys_copied\":7,\"bytes_transferred\":9,\"estimated_keys\":11"));
        Assert.That(json, Does.Not.Contain("\"cleanup\""), "absent until the change completes");
    }

    [Test]
    public void Parse_RoundTrip_KeepsPlanAndCleanup()
    {
        var due = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        var details = new ChangeDetails
        {
            Phase = ChangePhases.Done,
            Revision = 3,
            Streams = [new StreamProgress { Source = "n1", Target = "n4", State = StreamStates.Synced, Resyncs = 2 }],
            Cleanup = Coordinator.Cleanup.CleanupPlan.Schedule(due.AddHours(-24), TimeSpan.FromHours(24),
                [new Coordinator.Cleanup.CleanupTask { NodeId = "n1", Host = "h", GrpcPort = 1, Ranges = [[1, 2]] }]),
        };

        var parsed = ChangeDetails.Parse(details.ToJson());

        Assert.That(parsed.Phase, Is.EqualTo(ChangePhases.Done));
        Assert.That(parsed.Revision, Is.EqualTo(3));
        Assert.That(parsed.Streams.Single().Resyncs, Is.EqualTo(2));
        Assert.That(parsed.Cleanup!.DueAt, Is.EqualTo(due));
        Assert.That(parsed.Cleanup.Status, Is.EqualTo("scheduled"));
        Assert.That(ChangeDetails.ToRange(parsed.Cleanup.Tasks.Single().Ranges.Single()), Is.EqualTo(new TokenRange(1, 2)));
    }

    [Test]
    public void Parse_EmptyObject_QueuedDefaults()
    {
        var parsed = ChangeDetails.Parse("{}");
        Assert.That(parsed.Phase, Is.EqualTo(ChangePhases.Queued));
        Assert.That(parsed.Streams, Is.Empty);
    }
}
