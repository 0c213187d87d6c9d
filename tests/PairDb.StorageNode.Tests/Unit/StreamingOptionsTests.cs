using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class StreamingOptionsTests
{
    [Test]
    public void Validate_Defaults_Succeed()
    {
        var result = new StreamingOptionsValidator().Validate(null, new StreamingOptions());

        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public void Validate_OutOfRangeValues_NameEachSetting()
    {
        var result = new StreamingOptionsValidator().Validate(null, new StreamingOptions { BatchSize = 0, StreamBuffer = 0, ChecksumWorkers = 0, MaxBatchBytes = 10 });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:Streaming:BatchSize")
            .And.Contain("PairDb:StorageNode:Streaming:StreamBuffer")
            .And.Contain("PairDb:StorageNode:Streaming:ChecksumWorkers")
            .And.Contain("PairDb:StorageNode:Streaming:MaxBatchBytes"));
    }
}
