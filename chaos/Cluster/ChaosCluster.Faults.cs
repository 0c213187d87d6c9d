using PairDb.Client.Tooling;

namespace PairDb.Chaos.Cluster;

// The process-level fault mechanisms, by member name. Each call does one real thing (a signal, a restart, a file);
// the nemesis decides when. Heal* undoes whatever is still in force, whatever the schedule did.
public sealed partial class ChaosCluster
{
    /// <summary>SIGSTOP (PostgreSQL: the postmaster and every backend).</summary>
    public void Pause(string name) => Signal(name, UnixSignal.StopSignal, paused: true);

    /// <summary>SIGCONT.</summary>
    public void Resume(string name) => Signal(name, UnixSignal.ContinueSignal, paused: false);

    /// <summary>The PID of the member's (main) process; null while it is down.</summary>
    public int? Pid(string name) =>
        Layout[name].Role == MemberRole.Postgres ? _postgres!.PostmasterPid : _hosts[name].Process is { HasExited: false } p ? p.Pid : null;

    /// <summary>SIGKILL; the member stays down until <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync(string name, CancellationToken ct)
    {
        if (Layout[name].Role == MemberRole.Postgres)
        {
            await _postgres!.KillAsync(TimeSpan.FromSeconds(30), ct);
            return;
        }
        var host = _hosts[name];
        if (host.Process is { } process)
        {
            process.Kill();
            await process.DisposeAsync();
            host.Process = null;
            host.Paused = false;
        }
    }

    /// <summary>Starts a killed member again, same data and address, on the real clock.</summary>
    public async Task RestartAsync(string name, CancellationToken ct)
    {
        if (Layout[name].Role == MemberRole.Postgres)
        {
            await _postgres!.StartAgainAsync(ct);
            return;
        }
        var host = _hosts[name];
        if (host.Process is null)
        {
            host.SkewMinutes = 0;
            await StartHostAsync(host, ct);
        }
    }

    /// <summary>Restarts the coordinator or node (SIGTERM, then start) with its clock <paramref name="minutes"/> off.</summary>
    public async Task SkewAsync(string name, int minutes, string fakeTimeLibrary, CancellationToken ct)
    {
        var host = _hosts[name];
        await StopAsync(host);
        host.SkewMinutes = minutes;
        await StartHostAsync(host, ct, FakeTime.Environment(fakeTimeLibrary, minutes));
    }

    /// <summary>Restarts a skewed member on the real clock; nothing when it is not skewed.</summary>
    public async Task UnskewAsync(string name, CancellationToken ct)
    {
        var host = _hosts[name];
        if (host.SkewMinutes == 0)
        {
            return;
        }
        await StopAsync(host);
        host.SkewMinutes = 0;
        await StartHostAsync(host, ct);
    }

    /// <summary>Fills the node's tmpfs to ENOSPC; returns the ballast's size.</summary>
    public long FillDisk(string name) => _volumes[name].Fill();

    public void FreeDisk(string name) => _volumes[name].Free();

    public bool HasVolumes => _volumes.Count > 0;

    /// <summary>Ends every process fault: SIGCONT everywhere, killed members started, skewed ones restarted on the real clock, ballasts removed.</summary>
    public async Task HealProcessesAsync(CancellationToken ct)
    {
        _postgres!.Signal(UnixSignal.ContinueSignal);
        if (_postgres.PostmasterPid is null)
        {
            await _postgres.StartAgainAsync(ct);
        }
        foreach (var volume in _volumes.Values)
        {
            volume.Free();
        }
        foreach (var host in _hosts.Values)
        {
            if (host.Process is { } process)
            {
                UnixSignal.Send(process.Pid, UnixSignal.ContinueSignal);
                host.Paused = false;
                if (process.HasExited)
                {
                    _log.WriteLine($"{host.Member.Name} had exited by itself (code {process.ExitCode}); starting it again. Last log lines:\n{process.ReadLogTail(10)}");
                    await process.DisposeAsync();
                    host.Process = null;
                }
            }
        }
        foreach (var host in _hosts.Values)
        {
            if (host.Process is null)
            {
                host.SkewMinutes = 0;
                await StartHostAsync(host, ct);
            }
            else if (host.SkewMinutes != 0)
            {
                await UnskewAsync(host.Member.Name, ct);
            }
        }
    }

    private void Signal(string name, int signal, bool paused)
    {
        if (Layout[name].Role == MemberRole.Postgres)
        {
            _postgres!.Signal(signal);
            return;
        }
        var host = _hosts[name];
        if (host.Process is { } process)
        {
            UnixSignal.Send(process.Pid, signal);
            host.Paused = paused;
        }
    }

    private static async Task StopAsync(ClusterHost host)
    {
        if (host.Process is { } process)
        {
            UnixSignal.Send(process.Pid, UnixSignal.ContinueSignal);
            await process.StopAsync(TimeSpan.FromSeconds(5));
            await process.DisposeAsync();
            host.Process = null;
        }
    }
}
