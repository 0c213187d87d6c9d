using PairDb.Contracts.Validation;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class StreamingOptionsTests
{
    private static StreamingOptionsValidator Validator(ValidationOptions? validation = null) =>
        new(Microsoft.Extensions.Options.Options.Create(validation ?? new ValidationOptions()));

    [Test]
    public void Validate_Defaults_Succeed()
    {
        var result = Validator().Validate(null, new StreamingOptions());

        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public void Validate_OutOfRangeValues_NameEachSetting()
    {
        var result = Validator().Validate(null, new StreamingOptions { BatchSize = 0, StreamBuffer = 0, ChecksumWorkers = 0, MaxBatchBytes = 10 });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:Streaming:BatchSize")
            .And.Contain("PairDb:StorageNode:Streaming:StreamBuffer")
            .And.Contain("PairDb:StorageNode:Streaming:ChecksumWorkers")
            .And.Contain("PairDb:StorageNode:Streaming:MaxBatchBytes"));
    }

    [Test]
    public void Validate_BatchBytesOverTheClusterBatchCap_IsRefused()
    {
        var validation = new ValidationOptions { MaxBatchBytes = 2 << 20 };

        var result = Validator(validation).Validate(null, new StreamingOptions { MaxBatchBytes = 4 << 20 });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("PairDb:StorageNode:Streaming:MaxBatchBytes").And.Contain("Validation:MaxBatchBytes"));
    }
}
