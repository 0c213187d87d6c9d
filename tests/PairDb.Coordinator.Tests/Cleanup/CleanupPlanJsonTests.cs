using System.Text.Json.Nodes;
using PairDb.Coordinator.Cleanup;

namespace PairDb.Coordinator.Tests.Cleanup;

public sealed class CleanupPlanJsonTests
{
    private const string Stored = """
        {"due_at": "2026-11-27T10:00:00Z", "status": "scheduled", "attempts": 0, "last_error": null,
         "tasks": [{"node_id": "n1", "host": "127.0.0.1", "grpc_port": 7401,
                    "ranges": [[18446744073709551615, 5], [100, 200]], "status": "scheduled", "keys_dropped": 0,
                    "note": "kept"}],
         "planned_by": "coordinator-1"}
        """;

    [Test]
    public void Parse_TopologyDocumentShape_ReadsEveryField()
    {
        var plan = CleanupPlan.Parse(Stored);

        Assert.That(plan.DueAt, Is.EqualTo(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)));
        Assert.That(plan.Status, Is.EqualTo(CleanupStatuses.Scheduled));
        var task = plan.Tasks.Single();
        Assert.That(task.NodeId, Is.EqualTo("n1"));
        Assert.That(task.GrpcPort, Is.EqualTo(7401));
        Assert.That(task.TokenRanges()[0].StartExclusive, Is.EqualTo(ulong.MaxValue), "tokens stay exact 64-bit numbers");
        Assert.That(task.TokenRanges()[1].EndInclusive, Is.EqualTo(200UL));
    }

    [Test]
    public void ToJson_AfterExecution_WritesSnakeCaseAndKeepsUnknownFields()
    {
        var plan = CleanupPlan.Parse(Stored);
        plan.Tasks[0].Status = CleanupTaskStatuses.Executed;
        plan.Tasks[0].KeysDropped = 42;
        CleanupPlanner.Conclude(plan, [], safetyCheckFailed: false);

        var json = JsonNode.Parse(plan.ToJson())!;

        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("executed"));
        Assert.That(json["planned_by"]!.GetValue<string>(), Is.EqualTo("coordinator-1"));
        Assert.That(json["tasks"]![0]!["keys_dropped"]!.GetValue<ulong>(), Is.EqualTo(42UL));
        Assert.That(json["tasks"]![0]!["status"]!.GetValue<string>(), Is.EqualTo("executed"));
        Assert.That(json["tasks"]![0]!["note"]!.GetValue<string>(), Is.EqualTo("kept"));
        Assert.That(json["tasks"]![0]!["ranges"]![0]![0]!.GetValue<ulong>(), Is.EqualTo(ulong.MaxValue));
    }

    [Test]
    public void Schedule_TaskForNode_RoundTripsThroughJson()
    {
        var node = new PairDb.Coordinator.Ring.RingNode("n2", "10.0.0.2", 7402, 7403, "LEAVING", false, [5]);
        var completed = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

        var plan = CleanupPlan.Parse(CleanupPlan.Schedule(completed, TimeSpan.FromHours(24),
            [CleanupTask.For(node, [new PairDb.Coordinator.Ring.TokenRange(ulong.MaxValue - 1, 3)])]).ToJson());

        Assert.That(plan.DueAt, Is.EqualTo(completed.AddHours(24)));
        Assert.That(plan.Status, Is.EqualTo(CleanupStatuses.Scheduled));
        Assert.That(plan.Tasks.Single().GrpcPort, Is.EqualTo(7402));
        Assert.That(plan.Tasks.Single().TokenRanges(), Is.EqualTo(new[] { new PairDb.Coordinator.Ring.TokenRange(ulong.MaxValue - 1, 3) }));
    }

    [Test]
    public void TokenRanges_PairOfThree_Throws()
    {
        var task = new CleanupTask { NodeId = "n1", Ranges = [[1, 2, 3]] };
        Assert.That(() => task.TokenRanges(), Throws.InstanceOf<System.Text.Json.JsonException>());
    }
}
