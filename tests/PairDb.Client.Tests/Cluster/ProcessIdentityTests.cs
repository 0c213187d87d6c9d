using System.Diagnostics;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cluster;

public sealed class ProcessIdentityTests
{
    private const int SigTerm = 15;

    [Test]
    public void IsRunning_OwnProcessWithItsMarker_True()
    {
        var self = ProcessIdentity.Capture(Environment.ProcessId, "dotnet", "unused.log");

        Assert.That(self, Is.Not.Null);
        Assert.That(ProcessIdentity.IsRunning(self), Is.True);
    }

    [Test]
    public void IsRunning_SamePidOtherStartTime_FalseSoAReusedPidIsNeverSignalled()
    {
        var self = ProcessIdentity.Capture(Environment.ProcessId, "dotnet", "unused.log")!;
        self.StartTicks++;

        Assert.That(ProcessIdentity.IsRunning(self), Is.False);
    }

    [Test]
    public void IsRunning_CommandLineWithoutMarker_False()
    {
        var self = ProcessIdentity.Capture(Environment.ProcessId, "no-such-marker-in-this-command-line", "unused.log");

        Assert.That(ProcessIdentity.IsRunning(self), Is.False);
    }

    [Test]
    public async Task StopAsync_RecordedChild_TerminatesItAndReportsStopped()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        try
        {
            var recorded = ProcessIdentity.Capture(child.Id, "sleep 600", "unused.log");

            // Process.Start returns after fork: until the child has exec'd, /proc shows the parent's command line, and
            // StopAsync rightly refuses to signal a process that is not the recorded one.
            await WaitFor.ConditionAsync(() => ProcessIdentity.IsRunning(recorded), "the child to exec sleep 600", TimeSpan.FromSeconds(10));

            // A sleep ignores nothing: SIGTERM ends it, and WaitForExit reaps it so /proc shows it gone.
            var stopping = ProcessIdentity.StopAsync(recorded, SigTerm, TimeSpan.FromSeconds(10));
            using var exitLimit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await child.WaitForExitAsync(exitLimit.Token);
            var stopped = await stopping;

            Assert.That(stopped, Is.True);
            Assert.That(ProcessIdentity.IsRunning(recorded), Is.False);
            Assert.That(await ProcessIdentity.StopAsync(recorded, SigTerm, TimeSpan.FromSeconds(1)), Is.False, "a second stop finds nothing to stop");
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }
}
