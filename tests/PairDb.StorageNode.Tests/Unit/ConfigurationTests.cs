using Microsoft.Extensions.Configuration;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class ConfigurationTests
{
    [Test]
    public void PairDbEnvironmentVariables_DoubleUnderscore_MapsIntoPairDbSection()
    {
        const string Name = "PAIRDB_StorageNodeUnitTest__GrpcPort";
        Environment.SetEnvironmentVariable(Name, "1234");
        try
        {
            var builder = new ConfigurationBuilder().AddCommandLine(["--PairDb:StorageNodeUnitTest:HttpPort=5"]);
            PairDbEnvironmentVariablesSource.Install(builder);
            var configuration = builder.Build();

            Assert.Multiple(() =>
            {
                Assert.That(configuration["PairDb:StorageNodeUnitTest:GrpcPort"], Is.EqualTo("1234"));
                Assert.That(configuration["PairDb:StorageNodeUnitTest:HttpPort"], Is.EqualTo("5"));
                Assert.That(builder.Sources[^1], Is.InstanceOf<Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource>(), "the command line still wins");
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable(Name, null);
        }
    }

    [Test]
    public void NodeOptionsValidator_BadValues_FailNamingEachSetting()
    {
        var result = new NodeOptionsValidator().Validate(null, new NodeOptions { NodeId = "has space", GrpcPort = 9000, HttpPort = 9000, ListenAddress = "nowhere" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:NodeId"));
            Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:ListenAddress"));
            Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:GrpcPort and PairDb:StorageNode:HttpPort must differ"));
        });
    }

    [Test]
    public void StorageEngineOptionsValidator_TinyMemtable_FailsNamingSetting()
    {
        var result = new StorageEngineOptionsValidator().Validate(null, new StorageEngineOptions { MemtableSizeBytes = 10 });

        Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:Engine:MemtableSizeBytes"));
    }

    [Test]
    public void StorageEngineOptions_RunbookKeys_BindIntoEngineOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PairDb:StorageNode:Engine:Cache:CapacityBytes"] = "1048576",
            ["PairDb:StorageNode:Engine:Compaction:Automatic"] = "false",
            ["PairDb:StorageNode:Engine:Compaction:Level0Trigger"] = "8",
            ["PairDb:StorageNode:Engine:Compaction:TombstoneGracePeriod"] = "01:00:00",
            ["PairDb:StorageNode:Engine:WorkerPools:FlushPool:MaxWorkers"] = "3",
            ["PairDb:StorageNode:Engine:WorkerPools:FlushPool:QueueSize"] = "200",
            ["PairDb:StorageNode:Engine:WorkerPools:CompactionPool:QueueSize"] = "25",
            ["PairDb:StorageNode:Engine:ChecksumWorkers"] = "2",
        }).Build();
        var options = configuration.GetSection(StorageEngineOptions.SectionName).Get<StorageEngineOptions>()!;

        var engine = options.ToEngineOptions("/data", Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(engine.Cache.CapacityBytes, Is.EqualTo(1L << 20));
            Assert.That(engine.Compaction.Automatic, Is.False);
            Assert.That(engine.Compaction.Level0Trigger, Is.EqualTo(8));
            Assert.That(engine.Compaction.TombstoneGracePeriod, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(engine.Pools.FlushPool.MaxWorkers, Is.EqualTo(3));
            Assert.That(engine.Pools.FlushPool.QueueSize, Is.EqualTo(200));
            Assert.That(engine.Pools.CompactionPool.MaxWorkers, Is.EqualTo(2), "unset keys keep the runbook default");
            Assert.That(engine.Pools.CompactionPool.QueueSize, Is.EqualTo(25));
            Assert.That(engine.Pools.StreamingPool.QueueSize, Is.EqualTo(100));
            Assert.That(engine.ChecksumWorkers, Is.EqualTo(2));
            Assert.That(new StorageEngineOptionsValidator().Validate(null, options).Succeeded, Is.True);
        });
    }

    [TestCase("WorkerPools:FlushPool:QueueSize", "0", "PairDb:StorageNode:Engine:WorkerPools:FlushPool:QueueSize")]
    [TestCase("WorkerPools:CompactionPool:MaxWorkers", "0", "PairDb:StorageNode:Engine:WorkerPools:CompactionPool:MaxWorkers")]
    [TestCase("Compaction:Level0Trigger", "1", "PairDb:StorageNode:Engine:Compaction:Level0Trigger")]
    [TestCase("Cache:CapacityBytes", "-1", "PairDb:StorageNode:Engine:Cache:CapacityBytes")]
    [TestCase("Cache:Shards", "3", "PairDb:StorageNode:Engine:Cache:Shards")]
    [TestCase("ChecksumWorkers", "0", "PairDb:StorageNode:Engine:ChecksumWorkers")]
    public void StorageEngineOptionsValidator_BadNestedSetting_FailsNamingConfigurationKey(string key, string value, string expectedKey)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageEngineOptions.SectionName + ":" + key] = value,
        }).Build();
        var options = configuration.GetSection(StorageEngineOptions.SectionName).Get<StorageEngineOptions>()!;

        var result = new StorageEngineOptionsValidator().Validate(null, options);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.StartWith(expectedKey + ":"));
        });
    }
}
