using System.Runtime.InteropServices;

namespace PairDb.Coordinator.LocalState;

/// <summary>
/// fsync of a directory, which the BCL does not expose: a rename or a new file in the StateDirectory (hint spool
/// segment, ring snapshot) is durable only once its directory is synced, so this runs before a hint in a new
/// segment is acknowledged or a snapshot is relied on (the engine's NativeSync does the same for its files; the coordinator does not reference the engine).
/// </summary>
internal static partial class DirectorySync
{
    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = Open(directory, 0);
        if (fd < 0)
        {
            throw new IOException($"open directory failed path={directory} errno={Marshal.GetLastPInvokeError()}");
        }
        try
        {
            if (FSync(fd) != 0)
            {
                throw new IOException($"fsync directory failed path={directory} errno={Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
