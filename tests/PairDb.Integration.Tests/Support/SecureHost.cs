using System.Diagnostics;
using PairDb.Client.Tooling;

namespace PairDb.Integration.Tests.Support;

/// <summary>
/// A host process started with its output in a log file, ready once its liveness probe answers 200 over the given
/// client (https with the cluster CA for a secure host). Disposing kills it.
/// </summary>
internal sealed class SecureHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private SecureHost(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Starts <paramref name="assembly"/> with <paramref name="arguments"/>; its stdout and stderr go to <paramref name="logPath"/>.</summary>
    public static SecureHost Launch(string assembly, IEnumerable<string> arguments, string logPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(logPath)! };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$0\" 2>&1 </dev/null");
        start.ArgumentList.Add(logPath);
        start.ArgumentList.Add(DotnetExecutable.Locate());
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return new SecureHost(Process.Start(start) ?? throw new InvalidOperationException("could not start " + assembly), logPath);
    }

    /// <summary>Waits until <paramref name="liveUrl"/> answers 200 through <paramref name="http"/>; fails with the log if the host exits first.</summary>
    public async Task WaitLiveAsync(HttpClient http, Uri liveUrl)
    {
        await Eventually.WaitAsync(async () =>
        {
            Assert.That(HasExited, Is.False, $"host exited with code {(HasExited ? ExitCode : 0)} before {liveUrl} answered:\n{ReadLog()}");
            try
            {
                using var response = await http.GetAsync(liveUrl);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, $"{liveUrl} to answer 200", StartTimeout);
    }

    /// <summary>Waits for the process to exit by itself (a refused start).</summary>
    public async Task<int> WaitExitAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
