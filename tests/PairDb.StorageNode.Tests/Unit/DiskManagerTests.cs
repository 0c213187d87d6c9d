using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class DiskManagerTests
{
    private TestDirectory _directory = null!;
    private FakeTimeProvider _time = null!;
    private ListLogger<DiskManager> _log = null!;
    private FixedOptionsMonitor<DiskOptions> _options = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _log = new ListLogger<DiskManager>();
        _options = new FixedOptionsMonitor<DiskOptions>(new DiskOptions { ThrottleWriteSizeBytes = 1000 });
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private DiskManager Create() => new(_options, _directory.Path, _time, _log, InProcess.Metrics(_time));

    private static DiskUsage Usage(double percent, long available = 175L << 30) => new(percent, available, 0, 0);

    [Test]
    public void Apply_UsageAboveWarning_LogsRunbookWording()
    {
        var disk = Create();

        disk.Apply(Usage(82.5));

        Assert.That(_log.Entries, Does.Contain((LogLevel.Warning, "Disk usage warning usage=82.5% threshold=80% available=175GB")));
    }

    [TestCase(50.0, 500, null)]
    [TestCase(85.0, 5000, null)]
    [TestCase(92.5, 500, null)]
    [TestCase(92.5, 5000, ErrorCode.DiskThrottled)]
    [TestCase(95.0, 1, ErrorCode.DiskFull)]
    [TestCase(99.9, 0, ErrorCode.DiskFull)]
    public void CheckWrite_ByUsageAndSize_AdmitsOrRejects(double percent, long payload, ErrorCode? expected)
    {
        var disk = Create();
        disk.Apply(Usage(percent));

        Assert.That(disk.CheckWrite(payload), Is.EqualTo(expected));
    }

    [Test]
    public void Apply_UsageDropsBelowThresholds_DisengagesByItself()
    {
        var disk = Create();
        disk.Apply(Usage(96));

        var throttled = disk.Apply(Usage(91)).State;
        var normal = disk.Apply(Usage(40)).State;

        Assert.Multiple(() =>
        {
            Assert.That(throttled, Is.EqualTo(DiskState.Throttled));
            Assert.That(normal, Is.EqualTo(DiskState.Normal));
            Assert.That(_log.Entries, Does.Contain((LogLevel.Warning, "Disk circuit breaker DISENGAGED usage=91% threshold=95%")));
            Assert.That(_log.Entries, Does.Contain((LogLevel.Information, "Disk throttle DISENGAGED usage=40% threshold=90%")));
        });
    }

    [TestCase(DiskThresholdPreset.Conservative, 82.0, DiskState.Throttled)]
    [TestCase(DiskThresholdPreset.Conservative, 86.0, DiskState.CircuitBroken)]
    [TestCase(DiskThresholdPreset.Aggressive, 92.0, DiskState.Warning)]
    [TestCase(DiskThresholdPreset.Aggressive, 96.0, DiskState.Throttled)]
    [TestCase(DiskThresholdPreset.Default, 90.0, DiskState.Throttled)]
    public void Apply_Preset_UsesRunbookThresholds(DiskThresholdPreset preset, double percent, DiskState expected)
    {
        _options.CurrentValue = new DiskOptions { Preset = preset };

        Assert.That(Create().Apply(Usage(percent)).State, Is.EqualTo(expected));
    }

    [Test]
    public void Apply_WarningPersists_RepeatsOnlyAfterInterval()
    {
        var disk = Create();
        disk.Apply(Usage(81));
        disk.Apply(Usage(81));
        _time.Advance(TimeSpan.FromMinutes(5));
        disk.Apply(Usage(81));

        var warnings = _log.Entries.Count(e => e.Message.StartsWith("Disk usage warning", StringComparison.Ordinal));

        Assert.That(warnings, Is.EqualTo(2));
    }

    [Test]
    public void Sample_ConfiguredCapacity_UsesBytesUnderDataDirectory()
    {
        _options.CurrentValue = new DiskOptions { CapacityBytes = 100_000 };
        Directory.CreateDirectory(_directory.Combine("sstables"));
        File.WriteAllBytes(_directory.Combine("sstables", "a.sst"), new byte[60_000]);
        File.WriteAllBytes(_directory.Combine("b.log"), new byte[25_000]);

        var status = Create().Sample();

        Assert.Multiple(() =>
        {
            Assert.That(status.Usage.UsagePercent, Is.EqualTo(85.0).Within(0.001));
            Assert.That(status.Usage.AvailableBytes, Is.EqualTo(15_000));
            Assert.That(status.State, Is.EqualTo(DiskState.Warning));
        });
    }

    [Test]
    public void Sample_Volume_ReportsStatvfsFigures()
    {
        var status = Create().Sample();

        Assert.Multiple(() =>
        {
            Assert.That(status.Usage.CapacityBytes, Is.GreaterThan(0));
            Assert.That(status.Usage.UsagePercent, Is.InRange(0.0, 100.0));
        });
    }

    [Test]
    public async Task MonitorService_TimeAdvances_SamplesAgain()
    {
        _options.CurrentValue = new DiskOptions { CapacityBytes = 10_000, SampleInterval = TimeSpan.FromSeconds(5) };
        var disk = Create();
        using var monitor = new DiskMonitorService(disk, _options, _time);
        await monitor.StartAsync(CancellationToken.None);
        var first = disk.Status.State;

        File.WriteAllBytes(_directory.Combine("fill"), new byte[9_700]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (disk.Status.State != DiskState.CircuitBroken && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Yield();
        }

        await monitor.StopAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(DiskState.Normal));
            Assert.That(disk.Status.State, Is.EqualTo(DiskState.CircuitBroken), "waited 10 s for the monitor's next sample to see 97% usage");
        });
    }

    [Test]
    public void Validator_InvertedThresholds_FailsNamingSettings()
    {
        var result = new DiskOptionsValidator().Validate(null, new DiskOptions { WarningThreshold = 95, ThrottleThreshold = 90 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:Disk:WarningThreshold"));
        });
    }

    [TestCase(50L, DiskState.CircuitBroken)]
    [TestCase(150L, DiskState.Throttled)]
    [TestCase(250L, DiskState.Warning)]
    [TestCase(400L, DiskState.Normal)]
    public void Apply_AvailableBelowEngineHeadroomFloors_EngagesWhateverThePercent(long availableMiB, DiskState expected)
    {
        // A small volume at 50% already lacks the room the engine's next segment, flush and compaction need.
        var disk = new DiskManager(_options, _directory.Path, _time, _log, InProcess.Metrics(_time), engineHeadroomBytes: 100L << 20);

        var status = disk.Apply(Usage(50, availableMiB << 20));

        Assert.Multiple(() =>
        {
            Assert.That(status.State, Is.EqualTo(expected));
            Assert.That(status.Floors, Is.EqualTo(new DiskByteFloors(300L << 20, 200L << 20, 100L << 20)));
            Assert.That(status.EngagedBy, Is.EqualTo(expected == DiskState.Normal ? null : "available_bytes"));
        });
    }

    [Test]
    public void CheckWrite_WritesSinceLastSampleReachTheFloors_RefusedBeforeTheNextSample()
    {
        var disk = new DiskManager(_options, _directory.Path, _time, _log, InProcess.Metrics(_time), engineHeadroomBytes: 50L << 20);
        disk.Apply(Usage(10, 130L << 20));
        var admitted = new List<ErrorCode?>();
        for (var i = 0; i < 2; i++)
        {
            admitted.Add(disk.CheckWrite(10L << 20)); // 2 x 10 MiB, written twice (log, table): 90 MiB left < 100 MiB
        }

        var large = disk.CheckWrite(10L << 20);
        var small = disk.CheckWrite(1000);
        var smallAdmitted = 1;
        while (smallAdmitted < 100_000 && disk.CheckWrite(1000) is null)
        {
            smallAdmitted++;
        }

        var full = disk.CheckWrite(1);
        Assert.Multiple(() =>
        {
            Assert.That(admitted, Is.EqualTo(new ErrorCode?[] { null, null }));
            Assert.That(large, Is.EqualTo(ErrorCode.DiskThrottled));
            Assert.That(small, Is.Null, "small writes pass while throttled");
            Assert.That(full, Is.EqualTo(ErrorCode.DiskFull));
            // (90 MiB - 50 MiB) / 2 of small writes: the rest of the gap down to the circuit breaker floor.
            Assert.That(smallAdmitted, Is.EqualTo((40 << 20) / 2 / 1000 + 1));
            Assert.That(disk.Status.State, Is.EqualTo(DiskState.Warning), "the last sample (130 MiB free) is below the warning floor only");
        });
    }

    [Test]
    public void Validator_NegativeOrInvertedByteFloors_FailsNamingSettings()
    {
        var negative = new DiskOptionsValidator().Validate(null, new DiskOptions { CircuitBreakerMinAvailableBytes = -1 });
        var inverted = new DiskOptionsValidator().Validate(null, new DiskOptions { CircuitBreakerMinAvailableBytes = 100, ThrottleMinAvailableBytes = 50 });

        Assert.Multiple(() =>
        {
            Assert.That(negative.FailureMessage, Does.Contain("PairDb:StorageNode:Disk:CircuitBreakerMinAvailableBytes"));
            Assert.That(inverted.FailureMessage, Does.Contain("PairDb:StorageNode:Disk:").And.Contain("ThrottleMinAvailableBytes"));
        });
    }
}
