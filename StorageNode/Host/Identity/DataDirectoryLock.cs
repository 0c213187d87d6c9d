namespace PairDb.StorageNode.Identity;

/// <summary>
/// An exclusive lock on <c>{data}/LOCK</c>, held for the life of the process, so two processes can
/// never serve (and mint dots for) one data directory. .NET takes FileShare.None as an advisory
/// <c>flock</c> on Unix, which the kernel drops when the process dies, so a crash leaves no stale lock.
/// </summary>
internal static class DataDirectoryLock
{
    public const string FileName = "LOCK";

    public static FileStream Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new NodeIdentityException(
                $"data directory {directory} is in use by another process ({path} is locked): two processes cannot serve one node's data. " +
                "Stop the other process (e.g. `ps aux | grep PairDb.StorageNode`) or give this one its own DataDirectory.", e);
        }
    }
}
