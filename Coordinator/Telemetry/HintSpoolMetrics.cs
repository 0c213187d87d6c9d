using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>
/// The local hint spool's instruments (hints PostgreSQL could not take within the store budget). All exist from
/// start-up at zero, so an operator's query finds them before the first outage.
/// </summary>
public sealed class HintSpoolMetrics
{
    public const string HintsSpooled = "hints_spooled";
    public const string HintSpoolBytes = "hint_spool_bytes";
    public const string HintsSpooledTotal = "hints_spooled_total";
    public const string HintSpoolFullTotal = "hint_spool_full_total";
    public const string HintsUnspooledTotal = "hints_unspooled_total";
    public const string HintsReplayedFromSpoolTotal = "hints_replayed_from_spool_total";

    private readonly Counter<long> _spooled;
    private readonly Counter<long> _full;
    private readonly Counter<long> _unspooled;
    private readonly Counter<long> _replayedFromSpool;
    private long _count;
    private long _bytes;

    public HintSpoolMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CoordinatorMetrics.MeterName);
        meter.CreateObservableGauge(HintsSpooled, () => Volatile.Read(ref _count), description: "Hints in the local spool, not yet in PostgreSQL nor delivered");
        meter.CreateObservableGauge(HintSpoolBytes, () => Volatile.Read(ref _bytes), unit: "By", description: "Bytes of the local hint spool's segment files");
        _spooled = meter.CreateCounter<long>(HintsSpooledTotal, description: "Hints written to the local spool because PostgreSQL could not take them within the store budget");
        _full = meter.CreateCounter<long>(HintSpoolFullTotal, description: "Hints refused because the local hint spool was full (PairDb:Hints:SpoolMaxBytes)");
        _unspooled = meter.CreateCounter<long>(HintsUnspooledTotal, description: "Spooled hints moved into the PostgreSQL hints table");
        _replayedFromSpool = meter.CreateCounter<long>(HintsReplayedFromSpoolTotal, description: "Spooled hints delivered to their target straight from the spool");
        _spooled.Add(0);
        _full.Add(0);
        _unspooled.Add(0);
        _replayedFromSpool.Add(0);
    }

    public void Level(long count, long bytes)
    {
        Volatile.Write(ref _count, count);
        Volatile.Write(ref _bytes, bytes);
    }

    public void Spooled(int count) => _spooled.Add(count);

    public void SpoolFull(int count) => _full.Add(count);

    public void Unspooled(int count) => _unspooled.Add(count);

    public void ReplayedFromSpool(string target, int count) =>
        _replayedFromSpool.Add(count, new KeyValuePair<string, object?>(ReplicationMetrics.TargetNodeLabel, target));
}
