using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Coordinator.Tests.Support;

internal static class RpcAssert
{
    /// <summary>Awaits a call expected to fail and checks both the gRPC status and the pairdb code.</summary>
    public static async Task<RpcException> FailsAsync(Func<Task> call, StatusCode status, ErrorCode code)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            Assert.That(e.StatusCode, Is.EqualTo(status), e.Status.Detail);
            var error = RpcErrors.TryParse(e);
            Assert.That(error, Is.Not.Null);
            Assert.That(error!.Code, Is.EqualTo(code));
            Assert.That(error.FromDetails, Is.True, "the error carries a pairdb ErrorInfo");
            return e;
        }
        Assert.Fail($"expected {status} with code {(int)code}, but the call succeeded");
        throw new InvalidOperationException("unreachable");
    }
}
