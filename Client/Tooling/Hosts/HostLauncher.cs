using System.Diagnostics;

namespace PairDb.Client.Tooling;

/// <summary>
/// Starts pairdb hosts as real child processes and waits until they answer their health URL.
/// Shared by <c>./pairdb up</c>, the benchmarks and the tests.
/// </summary>
public static class HostLauncher
{
    private const int LogTailLines = 40;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static async Task<HostProcess> StartAsync(HostSpec spec, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(spec.AssemblyPath))
        {
            throw new FileNotFoundException($"Host assembly for '{spec.Name}' not found: {spec.AssemblyPath}", spec.AssemblyPath);
        }
        var logDirectory = Path.GetDirectoryName(Path.GetFullPath(spec.LogPath))!;
        Directory.CreateDirectory(logDirectory);

        var process = Process.Start(BuildStartInfo(spec, logDirectory))
            ?? throw new HostStartException($"Could not start '{spec.Name}' ({spec.AssemblyPath}).");
        var host = new HostProcess(spec.Name, process, spec.HealthUrl, spec.LogPath);
        try
        {
            await WaitHealthyAsync(spec, host, cancellationToken);
            return host;
        }
        catch
        {
            // A host that never became healthy is of no use to anyone: no graceful period.
            host.Kill();
            await host.DisposeAsync();
            throw;
        }
    }

    private static ProcessStartInfo BuildStartInfo(HostSpec spec, string logDirectory)
    {
        // The shell redirects straight into the log file and then execs dotnet, so the PID we hold is
        // the host itself and no pipe ties the host's life to ours: `./pairdb up` can exit and leave
        // the hosts running. "$0" is the log path, "$@" the command; nothing is re-parsed by the shell.
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? logDirectory,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$@\" >>\"$0\" 2>&1 </dev/null");
        startInfo.ArgumentList.Add(Path.GetFullPath(spec.LogPath));
        foreach (var word in spec.CommandPrefix)
        {
            startInfo.ArgumentList.Add(word);
        }
        startInfo.ArgumentList.Add(DotnetExecutable.Locate());
        startInfo.ArgumentList.Add(Path.GetFullPath(spec.AssemblyPath));
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }
        return startInfo;
    }

    private static async Task WaitHealthyAsync(HostSpec spec, HostProcess host, CancellationToken cancellationToken)
    {
        using var http = PairDbTransport.CreateHttpClient(spec.TrustedCa, bearerToken: null, ProbeTimeout);
        var stopwatch = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(ProbeInterval);
        var lastProbe = "no probe answered yet";
        while (true)
        {
            if (host.HasExited)
            {
                throw new HostStartException(
                    $"Host '{spec.Name}' (pid {host.Pid}) exited with code {host.ExitCode} before {spec.HealthUrl} answered 200. " +
                    $"Last log lines of {spec.LogPath}:\n{LogTail.Read(spec.LogPath, LogTailLines)}");
            }
            try
            {
                using var response = await http.GetAsync(spec.HealthUrl, cancellationToken);
                if ((int)response.StatusCode == 200)
                {
                    return;
                }
                lastProbe = $"last answer was {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                lastProbe = $"last probe failed: {e.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProbe = $"last probe got no answer within {ProbeTimeout.TotalSeconds:0}s";
            }
            if (stopwatch.Elapsed >= spec.StartTimeout)
            {
                throw new HostStartException(
                    $"Host '{spec.Name}' (pid {host.Pid}) did not answer 200 on {spec.HealthUrl} within " +
                    $"{spec.StartTimeout.TotalSeconds:0}s ({lastProbe}). Last log lines of {spec.LogPath}:\n" +
                    LogTail.Read(spec.LogPath, LogTailLines));
            }
            await ticks.WaitForNextTickAsync(cancellationToken);
        }
    }
}
