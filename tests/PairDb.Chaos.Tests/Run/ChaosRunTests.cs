using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PairDb.Chaos.Faults;
using PairDb.Chaos.Network;
using PairDb.Client.Tooling;

namespace PairDb.Chaos.Tests.Run;

/// <summary>
/// The CI chaos run: the built tool as a real process, a seeded schedule of every fault kind this machine allows
/// (all of them as root) for 90 seconds against a real cluster; the verdict must be valid, operations must have
/// happened and succeeded, and every kind must really have been injected.
/// </summary>
[NonParallelizable]
public sealed class ChaosRunTests
{
    private const int Seed = 16;
    private const int DurationSeconds = 90;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    [Test]
    public async Task Chaos_AllFaultsSeeded_VerdictValid()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries (./pairdb test installs them)");
        }
        var (exitCode, stdout, stderr) = await RunToolAsync("--duration", DurationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--faults", "all", "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        TestContext.Progress.WriteLine(stderr);
        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;

        Assert.That(root.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null), $"the run completed; stderr:\n{stderr}");
        var verdict = root.GetProperty("verdict");
        Assert.That(verdict.GetProperty("valid").GetBoolean(), Is.True, $"verdict: {verdict}");
        Assert.That(exitCode, Is.Zero, "a valid verdict exits 0");
        var operations = root.GetProperty("operations").GetProperty("by_kind").EnumerateObject()
            .SelectMany(k => k.Value.EnumerateObject()).GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.Sum(o => o.Value.GetInt64()));
        Assert.That(operations.GetValueOrDefault("ok"), Is.GreaterThan(100), "operations succeeded");

        var expected = Enum.GetValues<FaultKind>().Where(k => !FaultKinds.NeedsRoot(k) || Environment.IsPrivilegedProcess);
        if (await Namespaces.UnavailableReasonAsync() is not null)
        {
            expected = expected.Where(k => !FaultKinds.NeedsNetwork(k));
        }
        var injected = root.GetProperty("faults_injected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.That(injected.Keys, Is.SupersetOf(expected.Select(FaultKinds.Name)), $"every fault kind was injected; faults: {root.GetProperty("faults")}");
        var failed = root.GetProperty("faults").EnumerateArray().Where(f => f.GetProperty("error").ValueKind != JsonValueKind.Null).Select(f => f.ToString());
        Assert.That(failed, Is.Empty, "every fault applied and healed without error");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToolAsync(params string[] arguments)
    {
        var configuration = typeof(ChaosRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var tool = Path.Combine(root, "chaos", "bin", configuration, "net10.0", "PairDb.Chaos.dll");
        Assert.That(File.Exists(tool), Is.True, $"{tool} is built");
        var start = new ProcessStartInfo(DotnetExecutable.Locate()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGINT: the tool heals, stops its cluster and removes its namespaces before it exits.
            UnixSignal.Send(process.Id, UnixSignal.Interrupt);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"the chaos run did not finish within {RunTimeout.TotalMinutes:0} min; stderr:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
