using System.Runtime.InteropServices;

namespace PairDb.Client.Tooling;

/// <summary>Sends POSIX signals; .NET's Process only offers SIGKILL, and only to processes it can open.</summary>
public static class UnixSignal
{
    /// <summary>PostgreSQL's "fast shutdown": roll back sessions, checkpoint, exit.</summary>
    public const int Interrupt = 2;
    public const int KillSignal = 9;
    public const int TerminateSignal = 15;

    /// <summary>Linux x86-64/arm64 numbers: SIGCONT resumes what SIGSTOP froze (the chaos tool's pause).</summary>
    public const int ContinueSignal = 18;
    public const int StopSignal = 19;

    /// <summary>Asks <paramref name="pid"/> to shut down (SIGTERM); ASP.NET hosts stop gracefully on it.</summary>
    public static bool Terminate(int pid) => Send(pid, TerminateSignal);

    /// <summary>Sends <paramref name="signal"/>; false when the process does not exist or may not be signalled.</summary>
    public static bool Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        return NativeMethods.kill(pid, signal) == 0;
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
