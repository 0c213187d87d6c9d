using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Rpc;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "Request failed rpc={Rpc}")]
    public static partial void RequestFailed(ILogger logger, string rpc, Exception exception);
}
