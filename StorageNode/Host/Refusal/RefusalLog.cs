using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Refusal;

internal static partial class RefusalLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Critical, Message = "Storage node NOT SERVING: the engine refused to open its data ({Problem}). {Reason} Health reports unhealthy, data requests answer NODE_NOT_READY; recovery: {Recovery}")]
    public static partial void Refused(ILogger logger, string problem, string reason, string recovery);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Quarantine requested by the operator quarantine={Quarantine} files_moved={Files} identity_deleted={IdentityDeleted}; restarting the node empty, to be rebuilt from its replicas")]
    public static partial void Quarantined(ILogger logger, string quarantine, int files, bool identityDeleted);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Quarantine failed error=\"{Error}\"")]
    public static partial void QuarantineFailed(ILogger logger, string error, Exception exception);
}
