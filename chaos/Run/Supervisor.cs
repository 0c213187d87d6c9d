using System.Diagnostics;
using System.Runtime.InteropServices;
using PairDb.Chaos.Network;
using PairDb.Chaos.Options;
using PairDb.Client.Tooling;

namespace PairDb.Chaos.Run;

/// <summary>
/// The outer process of a run with network faults: it builds the namespaces, runs the runner again inside the hub
/// namespace (<c>ip netns exec HUB dotnet PairDb.Chaos.dll ARGS --inside-namespace PREFIX</c>) so the runner reaches
/// every process, and whatever happens to that child (exit, crash, Ctrl-C) removes the namespaces, the processes
/// still in them, the tmpfs mounts and the run directory. It survives the child, which is why it is separate.
/// </summary>
public static class Supervisor
{
    private static readonly TimeSpan ChildGrace = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(ChaosOptions options, IReadOnlyList<string> args, TextWriter log)
    {
        var pid = Environment.ProcessId;
        var prefix = NetworkLayout.PrefixFor(pid);
        var directory = RunDirectory.For(pid);
        var stale = await Namespaces.RemoveStaleAsync();
        await RunDirectory.RemoveStaleAsync();
        if (stale > 0)
        {
            log.WriteLine($"removed {stale} network namespaces of earlier runs that were not cleaned up");
        }
        var layout = NetworkLayout.InNamespaces(prefix, options.Coordinators, options.Nodes);
        Directory.CreateDirectory(directory);
        Process? child = null;
        var interrupted = 0;
        void Interrupt()
        {
            // The child (same terminal, same process group) usually gets Ctrl-C itself; a SIGTERM to us alone does not reach it.
            Interlocked.Exchange(ref interrupted, 1);
            if (child is { HasExited: false })
            {
                UnixSignal.Send(child.Id, UnixSignal.Interrupt);
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; Interrupt(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Interrupt(); });
        try
        {
            await Namespaces.CreateAsync(layout);
            var start = new ProcessStartInfo("ip") { UseShellExecute = false };
            foreach (var word in (string[])["netns", "exec", layout.Hub!, DotnetExecutable.Locate(), typeof(Supervisor).Assembly.Location, .. args,
                "--inside-namespace", prefix, "--work-directory", directory])
            {
                start.ArgumentList.Add(word);
            }
            child = Process.Start(start) ?? throw new InvalidOperationException("could not start the runner inside the hub namespace");
            await child.WaitForExitAsync();
            return child.ExitCode;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            log.WriteLine($"chaos: could not set up the network: {e.Message}");
            return 3;
        }
        finally
        {
            if (child is { HasExited: false })
            {
                using var grace = new CancellationTokenSource(ChildGrace);
                try
                {
                    await child.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    child.Kill(entireProcessTree: true);
                }
            }
            var removed = await Namespaces.RemoveAsync(prefix);
            if (!options.Keep)
            {
                await RunDirectory.RemoveAsync(directory);
            }
            log.WriteLine($"chaos: cleaned up {removed} network namespaces{(options.Keep ? $"; kept {directory}" : "")}{(interrupted == 1 ? " after an interrupt" : "")}");
        }
    }
}
