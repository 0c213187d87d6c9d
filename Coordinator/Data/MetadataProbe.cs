using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Data;

/// <summary>
/// Feeds <see cref="MetadataAvailability"/>: a <c>SELECT 1</c> on a fresh pooled connection every
/// <see cref="MetadataProbeOptions.ProbeInterval"/>, bounded by <see cref="MetadataProbeOptions.ProbeTimeout"/>, so a
/// database that hangs (a held lock does not block <c>SELECT 1</c>, but a dead host does) counts as away too.
/// </summary>
public sealed class MetadataProbe(
    MetadataAvailability availability, IOptions<MetadataOptions> metadata, IOptions<MetadataProbeOptions> options, TimeProvider time)
    : BackgroundService
{
    /// <summary>One probe: true when PostgreSQL answered within the timeout. Reports the outcome either way.</summary>
    public async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken) =>
        await ProbeAsync(options.Value.ProbeTimeout, cancellationToken) == MetadataProbeResult.Answered;

    /// <summary>One probe bounded by <paramref name="timeout"/>; reports the outcome to <see cref="MetadataAvailability"/> either way.</summary>
    public async Task<MetadataProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = new NpgsqlConnection(metadata.Value.ConnectionString);
            await connection.OpenAsync(deadline.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(deadline.Token);
            availability.ReportSuccess();
            return MetadataProbeResult.Answered;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && MetadataFailures.IsUnreachable(e))
        {
            // No answer in time, whichever timer fired: ours (cancellation) or Npgsql's own connect/command timeout,
            // which it reports as an NpgsqlException over a TimeoutException. Only a refusal or an error is "failed".
            var timedOut = e is OperationCanceledException or TimeoutException or NpgsqlException { InnerException: TimeoutException }
                || deadline.IsCancellationRequested;
            availability.ReportFailure(timedOut ? new TimeoutException($"no answer within {timeout}", e) : e);
            return timedOut ? MetadataProbeResult.NoAnswerInTime : MetadataProbeResult.Failed;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        do
        {
            await ProbeOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
