using Grpc.Core;
using PairDb.Chaos.History;
using PairDb.Chaos.Workload;
using PairDb.Client;
using PairDb.Contracts.Errors;

namespace PairDb.Chaos.Tests.Workload;

/// <summary>Which failures the history records as definitely not applied, and which as maybe applied.</summary>
public sealed class OutcomeClassifierTests
{
    [TestCase(ErrorCode.InvalidArgument, OpOutcome.Fail)]
    [TestCase(ErrorCode.InvalidVectorClock, OpOutcome.Fail)]
    [TestCase(ErrorCode.TooManySiblings, OpOutcome.Fail)]
    [TestCase(ErrorCode.PermissionDenied, OpOutcome.Fail)]
    [TestCase(ErrorCode.Overloaded, OpOutcome.Fail)]
    [TestCase(ErrorCode.RateLimited, OpOutcome.Fail)]
    [TestCase(ErrorCode.QuorumNotMet, OpOutcome.Fail)]
    [TestCase(ErrorCode.Timeout, OpOutcome.Unknown)]
    [TestCase(ErrorCode.Internal, OpOutcome.Unknown)]
    [TestCase(ErrorCode.NodeNotReady, OpOutcome.Unknown)]
    [TestCase(ErrorCode.DiskFull, OpOutcome.Unknown)]
    [TestCase(ErrorCode.DiskThrottled, OpOutcome.Unknown)]
    public void Classify_ErrorCode_GivesOutcome(ErrorCode code, OpOutcome expected)
    {
        var error = new PairDbClientException(code, "test", StatusCode.Unknown, attempts: 1);

        var (outcome, name, _) = OutcomeClassifier.Classify(error, quorumNotMetIsDefinite: true);

        Assert.That(outcome, Is.EqualTo(expected));
        Assert.That(name, Is.EqualTo(ErrorCodes.NameOf(code)));
    }

    [Test]
    public void Classify_QuorumNotMetNotTrusted_IsUnknown()
    {
        var error = new PairDbClientException(ErrorCode.QuorumNotMet, "test", StatusCode.Unavailable, attempts: 1);

        Assert.That(OutcomeClassifier.Classify(error, quorumNotMetIsDefinite: false).Outcome, Is.EqualTo(OpOutcome.Unknown));
    }

    [Test]
    public void Classify_OwnDeadlineOrTransportFailure_IsUnknown()
    {
        Assert.That(OutcomeClassifier.Classify(new OperationCanceledException(), true).Outcome, Is.EqualTo(OpOutcome.Unknown));
        Assert.That(OutcomeClassifier.Classify(new HttpRequestException("reset"), true), Is.EqualTo((OpOutcome.Unknown, "HttpRequestException", "reset")));
    }

    [Test]
    public void Classify_OpenCircuit_IsFailNeverSent()
    {
        var open = new PairDbCircuitOpenException(TimeSpan.FromSeconds(1), new InvalidOperationException("open"));

        Assert.That(OutcomeClassifier.Classify(open, true).Outcome, Is.EqualTo(OpOutcome.Fail));
    }
}
