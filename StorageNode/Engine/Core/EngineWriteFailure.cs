namespace PairDb.Engine;

/// <summary>
/// Why the engine stopped taking writes: the operation that failed (<see cref="Operations"/>), the file it was
/// writing, the error, and when. Reads keep working while this is set; <see cref="LsmEngine.TryResumeWrites"/>
/// clears it once the engine can write again.
/// </summary>
/// <param name="Operation">One of <see cref="Operations"/>.</param>
/// <param name="FilePath">The file the failed operation was writing (a segment, a table, the manifest).</param>
/// <param name="Error">The I/O error's message (e.g. "No space left on device").</param>
/// <param name="DiskFull">True when the error is ENOSPC (or EDQUOT): more room lets the engine recover.</param>
/// <param name="Since">When the engine turned read-only.</param>
public sealed record EngineWriteFailure(string Operation, string FilePath, string Error, bool DiskFull, DateTimeOffset Since)
{
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>The operation names that appear in logs and <c>/health</c>.</summary>
    public static class Operations
    {
        /// <summary>Writing buffered records to the open commit-log segment.</summary>
        public const string CommitLogAppend = "commitlog_append";

        /// <summary>Creating (and preallocating) the next commit-log segment.</summary>
        public const string CommitLogPreallocate = "commitlog_preallocate";

        /// <summary>fdatasync of the commit log.</summary>
        public const string CommitLogFsync = "commitlog_fsync";

        /// <summary>Writing a memtable to an L0 table and the manifest.</summary>
        public const string MemtableFlush = "memtable_flush";
    }

    public static EngineWriteFailure From(string operation, string filePath, Exception exception, DateTimeOffset now) =>
        new(operation, filePath, exception.Message, IsDiskFull(exception), now);

    /// <summary>ENOSPC/EDQUOT: .NET on Unix puts the errno in the IOException's HResult.</summary>
    public static bool IsDiskFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException && (e.HResult is Enospc or Edquot || (e.HResult & 0xFFFF) == 0x70 /* Windows ERROR_DISK_FULL */))
            {
                return true;
            }

            if (e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("not enough space on the disk", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Operation} failed on {FilePath}: {Error}";
}
