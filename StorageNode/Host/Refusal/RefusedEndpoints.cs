using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PairDb.Contracts.Errors;
using PairDb.Hosting.Security;

namespace PairDb.StorageNode.Refusal;

/// <summary>
/// The admin API of a refused node: <c>/health</c> (200, as runbook 6.1 always answers, status <c>unhealthy</c> with
/// <c>not_serving_reason</c>), <c>/health/live</c> (200: the process is up), <c>/health/ready</c> (503),
/// <c>POST /api/v1/recovery/quarantine</c>, and NODE_NOT_READY (503) for every other path.
/// </summary>
public static class RefusedEndpoints
{
    public sealed record RefusedHealthReport(
        string Status,
        string NodeId,
        string NotServingReason,
        string ManifestProblem,
        string DataDirectory,
        int UnaccountedFiles,
        string Recovery);

    public static void Map(WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "alive" })).RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapGet("/health/ready", (RefusalState state) =>
            Results.Json(new { status = "not_ready", not_serving_reason = state.Reason }, statusCode: StatusCodes.Status503ServiceUnavailable)).RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapGet("/health", (RefusalState state) => Results.Ok(new RefusedHealthReport(
            "unhealthy",
            state.NodeId,
            state.Reason,
            state.Refusal.Problem.ToString().ToLowerInvariant(),
            state.Refusal.DataDirectory,
            state.Refusal.TableFiles.Count,
            RefusalState.Recovery))).RequireAuthorization(PairDbPolicies.OperatorOrMember);
        app.MapPost("/api/v1/recovery/quarantine", (HttpContext context, RefusalState state, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger("PairDb.StorageNode");
            QuarantineReportBody report;
            try
            {
                var done = state.Quarantine();
                report = new QuarantineReportBody("quarantined", done.Directory, done.MovedFiles, done.IdentityDeleted);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or Engine.StorageEngineException)
            {
                RefusalLog.QuarantineFailed(logger, e.Message, e);
                return Results.Json(new { error = e.Message, code = (int)ErrorCode.Internal }, statusCode: StatusCodes.Status500InternalServerError);
            }

            RefusalLog.Quarantined(logger, report.QuarantineDirectory, report.FilesMoved.Count, report.IdentityDeleted);

            // The answer goes out first; then this host stops and Program starts the serving node on the emptied directory.
            context.Response.OnCompleted(() =>
            {
                lifetime.StopApplication();
                return Task.CompletedTask;
            });
            return Results.Ok(report);
        }).RequireAuthorization(PairDbPolicies.Operator);
        app.MapFallback((RefusalState state) => Results.Json(
            new { error = "node is not serving: " + state.Reason, code = (int)ErrorCode.NodeNotReady },
            statusCode: StatusCodes.Status503ServiceUnavailable)).RequireAuthorization(PairDbPolicies.OperatorOrMember);
    }

    public sealed record QuarantineReportBody(string Status, string QuarantineDirectory, IReadOnlyList<string> FilesMoved, bool IdentityDeleted)
    {
        public string Next => "the node restarts empty; rebuild it from its replicas";
    }
}
