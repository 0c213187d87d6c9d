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
}
