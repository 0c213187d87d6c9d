using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Tests.Checking;

/// <summary>The history file and the verdict report survive a JSON round trip, with readable enums.</summary>
public sealed class JsonTests
{
    [Test]
    public void History_RoundTrip_KeepsEveryField()
    {
        var builder = new HistoryBuilder();
        builder.Put("k", "a", 0, 10, ttl: 3600);
        var read = builder.Read("k", ["a"], 20, 30, ConsistencyLevel.All);
        builder.Put("k", "b", 40, 50, OpOutcome.Unknown, from: read);
        builder.Delete("k", read, 60, 70, OpOutcome.Fail);
        var history = builder.Build();

        var json = history.ToJson();
        var back = PairDb.Chaos.History.History.FromJson(json);

        Assert.That(json, Does.Contain("\"kind\": \"Put\"").And.Contain("\"outcome\": \"Unknown\"").And.Contain("\"consistency\": \"All\""));
        Assert.That(back.Tenant, Is.EqualTo(history.Tenant));
        Assert.That(back.Seed, Is.EqualTo(history.Seed));
        Assert.That(back.StartedAt, Is.EqualTo(history.StartedAt));
        Assert.That(back.Operations, Has.Count.EqualTo(4));
        for (var i = 0; i < 4; i++)
        {
            var (expected, actual) = (history.Operations[i], back.Operations[i]);
            Assert.That(actual with { ContextValues = [], ValuesRead = null }, Is.EqualTo(expected with { ContextValues = [], ValuesRead = null }), $"operation {i}");
            Assert.That(actual.ContextValues, Is.EqualTo(expected.ContextValues), $"context values of {i}");
            Assert.That(actual.ValuesRead, Is.EqualTo(expected.ValuesRead), $"values read of {i}");
        }
    }

    [Test]
    public void Verdict_RoundTrip_KeepsAnomaliesAndCounts()
    {
        var builder = new HistoryBuilder();
        builder.Put("k", "a", 0, 10);
        var verdict = new HistoryChecker().Check(builder.Build(), HistoryBuilder.Final(("k", ["ghost"])));

        var json = verdict.ToJson();
        var back = Verdict.FromJson(json);

        Assert.That(json, Does.Contain("\"lost-write\": 1").And.Contain("\"invented-value\": 1"));
        Assert.That(back.Valid, Is.False);
        Assert.That(back.Counts, Is.EqualTo(verdict.Counts));
        Assert.That(back.Anomalies.Select(anomaly => anomaly.ToString()), Is.EqualTo(verdict.Anomalies.Select(anomaly => anomaly.ToString())));
        Assert.That(back.Summary.Operations, Is.EqualTo(1));
    }

    [Test]
    public void History_WithIndexesOutOfOrder_IsRefused()
    {
        var operation = new Operation(3, 0, OpKind.Read, "k", null, ConsistencyLevel.One, false, [], null, null, 0, 1, OpOutcome.Ok, []);

        Assert.That(() => new PairDb.Chaos.History.History("t", 0, DateTimeOffset.UnixEpoch, [operation]),
            Throws.ArgumentException.With.Message.Contains("position 0 has index 3"));
    }
}
