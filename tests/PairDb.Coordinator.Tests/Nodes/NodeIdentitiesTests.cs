using PairDb.Coordinator.Data;
using PairDb.Coordinator.Nodes;

namespace PairDb.Coordinator.Tests.Nodes;

public sealed class NodeIdentitiesTests
{
    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2026-12-04T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static StorageNodeRecord Row(string? incarnation, params string[] retired) => new()
    {
        NodeId = "node-1", Host = "127.0.0.1", State = NodeStates.Normal, Status = NodeStatuses.Up,
        Incarnation = incarnation, RetiredIncarnations = retired,
    };

    [Test]
    public void Check_AnotherNodeId_Refused()
    {
        var identities = new NodeIdentities();

        var verdict = identities.Check("node-1", "node-2", "aaaa", Since, []);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Accepted, Is.False);
            Assert.That(verdict.Refusal, Does.Contain("answers as node 'node-2', not 'node-1'"));
            Assert.That(identities.Unpersisted("node-1"), Is.Null, "nothing learnt from a refused answer");
        });
    }

    [Test]
    public void Check_RecordedIncarnation_SameAndNothingToPersist()
    {
        var identities = new NodeIdentities();
        identities.Load(Row("aaaa"));

        var verdict = identities.Check("node-1", "node-1", "aaaa", Since, []);

        Assert.Multiple(() =>
        {
            Assert.That(verdict, Is.SameAs(IdentityVerdict.Same));
            Assert.That(identities.Unpersisted("node-1"), Is.Null);
        });
    }

    [Test]
    public void Check_NewIncarnation_AcceptedRecordedAndOldOneRetired()
    {
        var identities = new NodeIdentities();
        identities.Load(Row("aaaa", "older"));

        var verdict = identities.Check("node-1", "node-1", "bbbb", Since, ["aaaa", "older"]);
        var unpersisted = identities.Unpersisted("node-1");
        identities.MarkPersisted("node-1", "bbbb");

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Accepted && verdict.IsNew, Is.True);
            Assert.That(verdict.PreviousIncarnation, Is.EqualTo("aaaa"));
            Assert.That(verdict.ContinuesRecorded, Is.True, "the node lists the recorded incarnation among its earlier ones");
            Assert.That(unpersisted!.Value.Incarnation, Is.EqualTo("bbbb"));
            Assert.That(unpersisted.Value.Since, Is.EqualTo(Since));
            Assert.That(unpersisted.Value.Retired, Is.EqualTo(new[] { "aaaa", "older" }));
            Assert.That(identities.Unpersisted("node-1"), Is.Null, "written once");
        });
    }

    [Test]
    public void Check_WipedNodeWithNoHistory_AcceptedAsNewDataDirectory()
    {
        var identities = new NodeIdentities();
        identities.Load(Row("aaaa"));

        var verdict = identities.Check("node-1", "node-1", "cccc", Since, []);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Accepted, Is.True, "a rebuilt node mints under a new incarnation: safe to route to");
            Assert.That(verdict.ContinuesRecorded, Is.False);
        });
    }

    [Test]
    public void Check_RetiredIncarnationAnswersAgain_Refused()
    {
        var identities = new NodeIdentities();
        identities.Load(Row("aaaa"));
        identities.Check("node-1", "node-1", "bbbb", Since, ["aaaa"]);

        var verdict = identities.Check("node-1", "node-1", "aaaa", Since, []);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Accepted, Is.False);
            Assert.That(verdict.Refusal, Does.Contain("incarnation aaaa, which was replaced by bbbb"));
            Assert.That(identities.IncarnationOf("node-1"), Is.EqualTo("bbbb"), "a refused answer changes nothing recorded");
        });
    }

    [Test]
    public void Check_RetiredListFromStorageNodes_RefusedAfterCoordinatorRestart()
    {
        var identities = new NodeIdentities();
        identities.Load(Row("bbbb", "aaaa"));

        var verdict = identities.Check("node-1", "node-1", "aaaa", Since, []);

        Assert.That(verdict.Accepted, Is.False);
    }

    [Test]
    public void LoadAll_FromRingSnapshot_NodeRestartedDuringOutageAcceptedAndOldCopyRefused()
    {
        // A coordinator started from its snapshot while PostgreSQL is away: the snapshot's rows are its identities.
        var identities = new NodeIdentities();
        identities.LoadAll([Row("bbbb", "aaaa")]);

        var restarted = identities.Check("node-1", "node-1", "cccc", Since, ["bbbb", "aaaa"]);
        var oldCopy = identities.Check("node-1", "node-1", "aaaa", Since, []);

        Assert.Multiple(() =>
        {
            Assert.That(restarted.Accepted && restarted.IsNew, Is.True, "a restart during the outage comes back at once");
            Assert.That(identities.Unpersisted("node-1")?.Incarnation, Is.EqualTo("cccc"), "written to storage_nodes when PostgreSQL returns");
            Assert.That(oldCopy.Accepted, Is.False, "retired incarnations are refused without PostgreSQL too");
        });
    }

    [Test]
    public void Check_ManyIncarnations_RetiredListBounded()
    {
        var identities = new NodeIdentities();
        for (var i = 0; i < NodeIdentities.MaxRetired * 2; i++)
        {
            identities.Check("node-1", "node-1", $"inc-{i}", Since, []);
        }

        Assert.That(identities.Unpersisted("node-1")!.Value.Retired, Has.Length.EqualTo(NodeIdentities.MaxRetired));
    }
}
