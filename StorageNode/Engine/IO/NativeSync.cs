using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PairDb.Engine.IO;

/// <summary>fdatasync and directory fsync, which the BCL does not expose.</summary>
internal static partial class NativeSync
{
    private const int ReadOnly = 0;

    public static void DataSync(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(handle, FileAccess.ReadWrite, 1);
            stream.Flush(flushToDisk: true);
            return;
        }

        // fdatasync skips the inode timestamps a plain fsync would also write: one journal commit less.
        var result = OperatingSystem.IsLinux() ? FDataSync(handle) : FSync(handle);
        if (result != 0)
        {
            throw new IOException($"fdatasync failed file={path} errno={Marshal.GetLastPInvokeError()}");
        }
    }

    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"open directory failed path={directory} errno={Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (FSyncFd(fd) != 0)
            {
                throw new IOException($"fsync directory failed path={directory} errno={Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
