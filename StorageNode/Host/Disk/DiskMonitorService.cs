using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Disk;

/// <summary>
/// Samples disk usage every <see cref="DiskOptions.SampleInterval"/> (read afresh each round, so a reload applies),
/// and after each sample lets <see cref="ReadOnlyRecovery"/> bring a read-only engine back.
/// </summary>
public sealed class DiskMonitorService(DiskManager disk, IOptionsMonitor<DiskOptions> options, TimeProvider time, ReadOnlyRecovery? recovery = null) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The first sample happens before the node serves anything, so a full disk is refused from the first write.
        disk.Sample();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.SampleInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            disk.Sample();
            recovery?.Tick();
        }
    }
}
