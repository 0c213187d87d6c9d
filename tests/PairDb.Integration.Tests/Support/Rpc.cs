using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Integration.Tests.Support;

internal static class Rpc
{
    /// <summary>The pairdb error code a call failed with; fails the test when it succeeded.</summary>
    public static async Task<ErrorCode> ErrorOfAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            return e.GetErrorCode();
        }
        Assert.Fail("the call succeeded but an error was expected");
        return ErrorCode.Internal;
    }

    public static Google.Protobuf.ByteString Bytes(string text) => Google.Protobuf.ByteString.CopyFromUtf8(text);
}
