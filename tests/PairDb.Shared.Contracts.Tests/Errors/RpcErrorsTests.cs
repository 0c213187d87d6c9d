using Google.Rpc;
using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Shared.Contracts.Tests.Errors;

public class RpcErrorsTests
{
    private static IEnumerable<ErrorCode> AllCodes() => Enum.GetValues<ErrorCode>();

    [TestCaseSource(nameof(AllCodes))]
    public void ToRpcException_EveryCode_RoundTripsThroughTryParse(ErrorCode code)
    {
        var rpc = new PairDbException(code, "details for " + code).ToRpcException();

        var parsed = RpcErrors.TryParse(rpc);

        Assert.That(parsed, Is.EqualTo(new PairDbError(code, "details for " + code, FromDetails: true)));
        Assert.That(rpc.GetErrorCode(), Is.EqualTo(code));
    }

    [TestCaseSource(nameof(AllCodes))]
    public void ToRpcException_EveryCode_UsesTheTableStatusCode(ErrorCode code)
    {
        var rpc = RpcErrors.ToRpcException(code, "x");

        Assert.That(rpc.StatusCode, Is.EqualTo(ErrorCodes.Get(code).StatusCode));
    }

    [TestCaseSource(nameof(AllCodes))]
    public void ToRpcException_EveryCode_TrailerCarriesErrorInfo(ErrorCode code)
    {
        var rpc = RpcErrors.ToRpcException(code, "x");

        var entry = rpc.Trailers.Get("grpc-status-details-bin");
        Assert.That(entry, Is.Not.Null);
        var status = Google.Rpc.Status.Parser.ParseFrom(entry!.ValueBytes);
        var info = status.GetDetail<ErrorInfo>();
        Assert.That(info, Is.Not.Null);
        Assert.That((info!.Reason, info.Domain, info.Metadata["code"]),
            Is.EqualTo((ErrorCodes.NameOf(code), "pairdb", ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public void TryParse_DiskThrottled_ReadsCode2003AsTheRunbookDoes()
    {
        var rpc = RpcErrors.ToRpcException(ErrorCode.DiskThrottled, "disk usage 92%");

        Assert.That((rpc.StatusCode, (int)rpc.GetErrorCode()), Is.EqualTo((StatusCode.Unavailable, 2003)));
    }

    [TestCase(StatusCode.InvalidArgument, ErrorCode.InvalidArgument)]
    [TestCase(StatusCode.NotFound, ErrorCode.KeyNotFound)]
    [TestCase(StatusCode.DataLoss, ErrorCode.ChecksumFailed)]
    [TestCase(StatusCode.Unavailable, ErrorCode.NodeNotReady)]
    [TestCase(StatusCode.ResourceExhausted, ErrorCode.DiskFull)]
    [TestCase(StatusCode.DeadlineExceeded, ErrorCode.Timeout)]
    [TestCase(StatusCode.Internal, ErrorCode.Internal)]
    [TestCase(StatusCode.Unknown, ErrorCode.Internal)]
    public void TryParse_NoDetails_FallsBackToStatusCode(StatusCode status, ErrorCode expected)
    {
        var parsed = RpcErrors.TryParse(new RpcException(new Grpc.Core.Status(status, "plain")));

        Assert.That(parsed, Is.EqualTo(new PairDbError(expected, "plain", FromDetails: false)));
    }

    [Test]
    public void TryParse_ErrorInfoFromAnotherDomain_FallsBackToStatusCode()
    {
        var info = new ErrorInfo { Reason = "DISK_FULL", Domain = "example.com" };
        info.Metadata.Add("code", "2002");
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.Unavailable,
            Message = "other",
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(info) },
        };

        var parsed = RpcErrors.TryParse(status.ToRpcException());

        Assert.That(parsed!.Code, Is.EqualTo(ErrorCode.NodeNotReady));
    }

    [Test]
    public void TryParse_DamagedDetailsTrailer_FallsBackToStatusCode()
    {
        var trailers = new Metadata { { "grpc-status-details-bin", new byte[] { 0xFF, 0xFF, 0xFF } } };
        var rpc = new RpcException(new Grpc.Core.Status(StatusCode.DeadlineExceeded, "late"), trailers);

        Assert.That(rpc.GetErrorCode(), Is.EqualTo(ErrorCode.Timeout));
    }

    [Test]
    public void TryParse_StatusOk_ReturnsNull()
    {
        Assert.That(RpcErrors.TryParse(new RpcException(Grpc.Core.Status.DefaultSuccess)), Is.Null);
    }

    [TestCaseSource(nameof(AllCodes))]
    public void ToOperationError_EveryCode_RoundTrips(ErrorCode code)
    {
        var error = new PairDbException(code, "item failed").ToOperationError();

        Assert.That((error.Code, error.Reason), Is.EqualTo(((uint)code, ErrorCodes.NameOf(code))));
        Assert.That(error.ToPairDbError(), Is.EqualTo(new PairDbError(code, "item failed", FromDetails: true)));
    }

    [Test]
    public void ToPairDbError_UnknownNumberKnownName_UsesName()
    {
        var error = new PairDb.Contracts.Grpc.OperationError { Code = 9999, Reason = "TIMEOUT", Message = "m" };

        Assert.That(error.ToPairDbError().Code, Is.EqualTo(ErrorCode.Timeout));
    }

    [Test]
    public void ToRpcException_RateLimited_ErrorInfoCarriesTheRetryAfterInMilliseconds()
    {
        var rpc = new RateLimitedException(TimeSpan.FromMilliseconds(12.3), "slow down").ToRpcException();

        var info = Google.Rpc.Status.Parser.ParseFrom(rpc.Trailers.Get("grpc-status-details-bin")!.ValueBytes).GetDetail<ErrorInfo>()!;

        Assert.That(rpc.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(info.Metadata["code"], Is.EqualTo("2007"));
        Assert.That(info.Metadata[RateLimitedException.RetryAfterMetadataKey], Is.EqualTo("13"), "rounded up to whole milliseconds");
        Assert.That(RpcErrors.TryGetRetryAfter(rpc), Is.EqualTo(TimeSpan.FromMilliseconds(13)));
        Assert.That(RpcErrors.TryGetRetryAfter(RpcErrors.ToRpcException(ErrorCode.Overloaded, "x")), Is.Null);
    }
}
