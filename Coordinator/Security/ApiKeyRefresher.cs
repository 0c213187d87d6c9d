using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Security;

/// <summary>Runs <see cref="ApiKeyVerifier.RefreshAsync"/> every <see cref="SecurityOptions.ApiKeyRefreshInterval"/>.</summary>
public sealed partial class ApiKeyRefresher : BackgroundService
{
    private readonly ApiKeyVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<ApiKeyRefresher> _logger;

    public ApiKeyRefresher(ApiKeyVerifier verifier, TimeProvider time, IOptions<SecurityOptions> options, ILogger<ApiKeyRefresher> logger)
    {
        _verifier = verifier;
        _time = time;
        _interval = options.Value.ApiKeyRefreshInterval;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(_interval, _time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await _verifier.RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // Cached keys age out (ApiKeyVerifier.StaleAfterIntervals) while this keeps failing.
                    LogRefreshFailed(_logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "API key refresh failed, retrying next interval: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
