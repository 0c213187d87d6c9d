using PairDb.Contracts.Errors;
using PairDb.Engine;
using PairDb.StorageNode.Rpc;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>
/// How a read-only engine's errors travel: refused writes as DISK_FULL (disk full) or NODE_NOT_READY (other I/O
/// errors), naming the cause; writes caught in the failure as INTERNAL, the one code coordinators read as "maybe
/// applied" (ReplicaFailure.From), never as a refusal ("nothing was written").
/// </summary>
public sealed class StorageErrorsTests
{
    private static readonly DateTimeOffset Since = DateTimeOffset.Parse("2026-12-04T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [TestCase(true, ErrorCode.DiskFull)]
    [TestCase(false, ErrorCode.NodeNotReady)]
    public void ToWire_WriteRefusedWhileReadOnly_DiskFullOrNodeNotReadyNamingTheCause(bool diskFull, ErrorCode expected)
    {
        var failure = new EngineWriteFailure("commitlog_preallocate", "/data/commitlog/segment-7.log", diskFull ? "No space left on device" : "Input/output error", diskFull, Since);

        var (code, message) = StorageErrors.ToWire(new EngineReadOnlyException(failure));

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(expected));
            Assert.That(message, Does.Contain("read-only").And.Contain("commitlog_preallocate").And.Contain("segment-7.log").And.Contain(failure.Error));
        });
    }

    [Test]
    public void ToWire_WriteCaughtInTheFailure_InternalMaybeApplied()
    {
        var failure = new EngineWriteFailure("commitlog_fsync", "/data/commitlog/segment-7.log", "Input/output error", false, Since);

        var (code, message) = StorageErrors.ToWire(new WriteOutcomeUnknownException(failure, new IOException("Input/output error", 5)));

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ErrorCode.Internal));
            Assert.That(message, Does.Contain("maybe applied").And.Contain("commitlog_fsync"));
        });
    }
}
