using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Engine;

namespace PairDb.StorageNode.Admin;

/// <summary>Read-only views: SSTables per level (runbook 6.4), memtable, and the validation settings in effect (5.3).</summary>
public static class StorageEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/sstables/count-by-level", (LsmEngine engine) =>
        {
            var statistics = engine.GetStatistics();
            var levels = new Dictionary<string, int>(statistics.SSTableCountByLevel.Count);
            var total = 0;
            for (var level = 0; level < statistics.SSTableCountByLevel.Count; level++)
            {
                levels["L" + level.ToString(System.Globalization.CultureInfo.InvariantCulture)] = statistics.SSTableCountByLevel[level];
                total += statistics.SSTableCountByLevel[level];
            }

            return Results.Ok(new { levels, total, total_bytes = statistics.SSTableBytesTotal });
        });
        api.MapGet("/validation/config", (IOptions<ValidationOptions> options) =>
        {
            var v = options.Value;
            return Results.Ok(new
            {
                max_key_bytes = v.MaxKeyBytes,
                max_value_bytes = v.MaxValueBytes,
                max_context_bytes = v.MaxContextBytes,
                max_context_entries = v.MaxContextEntries,
                enable_security_checks = v.EnableSecurityChecks,
                enable_size_checks = true,
                enable_format_checks = true,
                enable_vector_clock_checks = v.EnableVectorClockChecks,
                skip_validation_for_trusted = v.SkipValidationForTrusted,
                trusted_clients = v.TrustedClients,
            });
        });
    }
}
