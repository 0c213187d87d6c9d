using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace PairDb.Coordinator.Data;

/// <summary>Applies the EF Core migrations (Migrations/Schema) to the metadata database; idempotent.</summary>
public static partial class MetadataMigrator
{
    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var db = PairDbContext.Create(connectionString);
        var pending = new List<string>(await db.Database.GetPendingMigrationsAsync(cancellationToken));
        if (pending.Count == 0)
        {
            LogUpToDate(logger);
            return pending;
        }
        LogApplying(logger, pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        LogApplied(logger, pending.Count);
        return pending;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Metadata schema is up to date")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applying metadata migrations count={Count} migrations={Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Applied metadata migrations count={Count}")]
    private static partial void LogApplied(ILogger logger, int count);
}
