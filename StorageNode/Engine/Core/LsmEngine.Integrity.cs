using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>Full SSTable verification and key-range digests.</summary>
    public IntegrityChecker Integrity { get; private set; } = null!;

    internal void RecordCorruption(string path, List<CorruptBlock> problems)
    {
        foreach (var problem in problems)
        {
            Interlocked.Increment(ref _counters.ChecksumFailuresTotal);
            Interlocked.Increment(ref _counters.CorruptedEntriesTotal);
            EngineLog.ChecksumValidationFailed(_logger, path, problem.Offset, problem.Expected, problem.Actual);
        }
    }
}
