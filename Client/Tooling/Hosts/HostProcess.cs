using System.Diagnostics;

namespace PairDb.Client.Tooling;

/// <summary>A running host child process, stopped by PID: gracefully with <see cref="StopAsync"/>, or <see cref="Kill"/>ed.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    internal HostProcess(string name, Process process, Uri healthUrl, string logPath)
    {
        Name = name;
        _process = process;
        Pid = process.Id;
        HealthUrl = healthUrl;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Pid { get; }

    public Uri HealthUrl { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The last <paramref name="lines"/> lines of the host's log.</summary>
    public string ReadLogTail(int lines = 40) => LogTail.Read(LogPath, lines);

    /// <summary>
    /// Sends SIGTERM and waits up to <paramref name="grace"/> (default 10 seconds) for a clean exit,
    /// then kills. Returns once the process is gone and reaped.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (UnixSignal.Terminate(Pid))
        {
            using var deadline = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Fall through: it ignored SIGTERM for the whole grace period.
            }
        }
        Kill();
    }

    /// <summary>
    /// SIGKILL, as a crash would: no shutdown code runs. Returns once the process is gone and reaped,
    /// so its PID no longer names a live process.
    /// </summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
