using System.Runtime.InteropServices;

namespace PairDb.Client.Tooling;

/// <summary>Sends POSIX signals; .NET's Process only offers SIGKILL.</summary>
internal static class UnixSignal
{
    private const int SigTerm = 15;

    /// <summary>Asks <paramref name="pid"/> to shut down (SIGTERM); ASP.NET hosts stop gracefully on it.</summary>
    public static bool Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        return NativeMethods.kill(pid, SigTerm) == 0;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would force unsafe code on the whole Client assembly for one int-only call.
        internal static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
