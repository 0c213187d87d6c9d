using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Recovery;

internal static partial class RecoveryLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Restoring from replicas files={Files} peers={Peers}")]
    public static partial void TablesRemoved(ILogger logger, string files, int peers);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Restore from replicas completed files={Files} keys_refetched={Keys} errors={Errors}")]
    public static partial void Restored(ILogger logger, int files, ulong keys, int errors);
}
