using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Topology;

/// <summary>
/// Re-reads storage_nodes every <see cref="RingOptions.RefreshInterval"/> so that changes made by
/// another coordinator reach this one's ring (this coordinator's own changes publish at once).
/// The first load happens before the host starts serving (see the start-up code), not here.
/// </summary>
public sealed partial class TopologyRefresher : BackgroundService
{
    private readonly NodeRegistry _registry;
    private readonly Data.MetadataAvailability _availability;
    private readonly IOptions<RingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TopologyRefresher> _logger;

    public TopologyRefresher(
        NodeRegistry registry, Data.MetadataAvailability availability, IOptions<RingOptions> options, TimeProvider time, ILogger<TopologyRefresher> logger)
    {
        _registry = registry;
        _availability = availability;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.RefreshInterval, _time);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_availability.IsAvailable)
            {
                // Re-read as soon as PostgreSQL answers again, not a refresh interval later: a coordinator serving a
                // snapshot, or a ring another coordinator changed meanwhile, catches up at once.
                await _availability.WaitUntilAvailableAsync(stoppingToken);
            }
            else if (!await timer.WaitForNextTickAsync(stoppingToken))
            {
                break;
            }
            if (!_availability.IsAvailable)
            {
                // The outage is logged once by MetadataAvailability; the ring in memory (or the snapshot's) stays.
                continue;
            }
            try
            {
                await _registry.ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep serving with the ring we have; PostgreSQL may be back next time.
                LogRefreshFailed(e);
            }
        }
    }

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Topology refresh failed; keeping the current ring")]
    private partial void LogRefreshFailed(Exception exception);
}
