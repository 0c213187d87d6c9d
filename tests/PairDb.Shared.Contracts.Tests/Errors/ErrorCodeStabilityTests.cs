using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Shared.Contracts.Tests.Errors;

/// <summary>Error numbers and names are persisted and parsed by clients: freeze them.</summary>
public class ErrorCodeStabilityTests
{
    private static readonly (ErrorCode Code, int Number, string Name, StatusCode Status, bool Retriable)[] Golden =
    [
        (ErrorCode.InvalidArgument, 1000, "INVALID_ARGUMENT", StatusCode.InvalidArgument, false),
        (ErrorCode.KeyNotFound, 1001, "KEY_NOT_FOUND", StatusCode.NotFound, false),
        (ErrorCode.KeyTooLarge, 1002, "KEY_TOO_LARGE", StatusCode.InvalidArgument, false),
        (ErrorCode.ValueTooLarge, 1003, "VALUE_TOO_LARGE", StatusCode.InvalidArgument, false),
        (ErrorCode.InvalidTenantId, 1004, "INVALID_TENANT_ID", StatusCode.InvalidArgument, false),
        (ErrorCode.InvalidVectorClock, 1005, "INVALID_VECTOR_CLOCK", StatusCode.InvalidArgument, false),
        (ErrorCode.ChecksumFailed, 1006, "CHECKSUM_FAILED", StatusCode.DataLoss, false),
        (ErrorCode.TooManySiblings, 1007, "TOO_MANY_SIBLINGS", StatusCode.FailedPrecondition, false),
        (ErrorCode.ObjectTooLarge, 1008, "OBJECT_TOO_LARGE", StatusCode.FailedPrecondition, false),
        (ErrorCode.BatchTooLarge, 1009, "BATCH_TOO_LARGE", StatusCode.InvalidArgument, false),
        (ErrorCode.Unauthenticated, 1010, "UNAUTHENTICATED", StatusCode.Unauthenticated, false),
        (ErrorCode.PermissionDenied, 1011, "PERMISSION_DENIED", StatusCode.PermissionDenied, false),
        (ErrorCode.QuotaExceeded, 1012, "QUOTA_EXCEEDED", StatusCode.ResourceExhausted, false),
        (ErrorCode.Internal, 2000, "INTERNAL", StatusCode.Internal, false),
        (ErrorCode.NodeNotReady, 2001, "NODE_NOT_READY", StatusCode.Unavailable, true),
        (ErrorCode.DiskFull, 2002, "DISK_FULL", StatusCode.ResourceExhausted, false),
        (ErrorCode.DiskThrottled, 2003, "DISK_THROTTLED", StatusCode.Unavailable, true),
        (ErrorCode.QuorumNotMet, 2004, "QUORUM_NOT_MET", StatusCode.Unavailable, true),
        (ErrorCode.Timeout, 2005, "TIMEOUT", StatusCode.DeadlineExceeded, true),
        (ErrorCode.Overloaded, 2006, "OVERLOADED", StatusCode.ResourceExhausted, true),
        (ErrorCode.RateLimited, 2007, "RATE_LIMITED", StatusCode.ResourceExhausted, true),
    ];

    private static IEnumerable<ErrorCode> AllCodes() => Enum.GetValues<ErrorCode>();

    [Test]
    public void ErrorCode_EnumMembers_MatchGoldenNumbersExactly()
    {
        var actual = Enum.GetValues<ErrorCode>().Select(c => (c.ToString(), (int)c)).ToArray();
        var expected = Golden.Select(g => (g.Code.ToString(), g.Number)).ToArray();

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void ErrorCodes_Table_HasOneRowPerCodeInCodeOrder()
    {
        Assert.That(ErrorCodes.All.Select(r => r.Code), Is.EqualTo(Enum.GetValues<ErrorCode>()));
    }

    [Test]
    public void ErrorCodes_Table_MatchesGoldenNameStatusAndRetriable()
    {
        foreach (var golden in Golden)
        {
            var info = ErrorCodes.Get(golden.Code);
            Assert.That((info.Name, info.StatusCode, info.Retriable, info.CodeText),
                Is.EqualTo((golden.Name, golden.Status, golden.Retriable, golden.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                golden.Name);
        }
    }

    [TestCaseSource(nameof(AllCodes))]
    public void TryGetByName_EveryName_FindsItsCode(ErrorCode code)
    {
        Assert.That(ErrorCodes.TryGetByName(ErrorCodes.NameOf(code), out var info), Is.True);
        Assert.That(info!.Code, Is.EqualTo(code));
    }

    [Test]
    public void DiskFull_PerRunbook_IsNotRetriedOnTheSameNodeButRoutedToAReplica()
    {
        var info = ErrorCodes.Get(ErrorCode.DiskFull);

        Assert.That((info.Retriable, info.TryAnotherReplica), Is.EqualTo((false, true)));
    }

    [Test]
    public void Get_UndefinedValue_Throws()
    {
        Assert.That(() => ErrorCodes.Get((ErrorCode)1234), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
