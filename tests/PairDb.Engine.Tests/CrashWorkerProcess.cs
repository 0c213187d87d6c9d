using System.Diagnostics;

namespace PairDb.Engine.Tests;

/// <summary>Runs PairDb.Engine.CrashWorker as a child process and collects the keys it acknowledges.</summary>
internal sealed class CrashWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _lock = new();
    private readonly List<string> _acked = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _target = int.MaxValue;
    private readonly TaskCompletionSource _reachedTarget = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CrashWorkerProcess(string dataDirectory, int cycle, int writers)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath);
        start.ArgumentList.Add(dataDirectory);
        start.ArgumentList.Add(cycle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(writers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Error += e.Data + "\n"; } };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Error { get; private set; } = "";

    private static string WorkerPath
    {
        get
        {
            var testDirectory = AppContext.BaseDirectory;
            var path = testDirectory.Replace("PairDb.Engine.Tests", "PairDb.Engine.CrashWorker", StringComparison.Ordinal);
            return Path.Combine(path, "PairDb.Engine.CrashWorker.dll");
        }
    }

    /// <summary>Waits for "ready" and then for at least <paramref name="count"/> acknowledgements.</summary>
    public void WaitForAcks(int count, TimeSpan timeout)
    {
        lock (_lock)
        {
            _target = count;
            if (_acked.Count >= count)
            {
                _reachedTarget.TrySetResult();
            }
        }

        if (!_ready.Task.Wait(timeout))
        {
            throw new TimeoutException($"crash worker did not print ready within {timeout}; stderr: {Error}");
        }

        if (!_reachedTarget.Task.Wait(timeout))
        {
            throw new TimeoutException($"crash worker did not acknowledge {count} writes within {timeout}; stderr: {Error}");
        }
    }

    /// <summary>SIGKILLs the worker and returns every key it acknowledged before dying.</summary>
    public List<string> KillAndCollect()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        lock (_lock)
        {
            return [.. _acked];
        }
    }

    public void Dispose() => _process.Dispose();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
            return;
        }

        if (line.StartsWith("ack ", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _acked.Add(line[4..]);
                if (_acked.Count >= _target)
                {
                    _reachedTarget.TrySetResult();
                }
            }
        }
    }
}
