using System.Diagnostics;
using System.Reflection;
using PairDb.Client.Tooling;

namespace PairDb.Client.Tests.Cluster;

/// <summary>Runs the checkout's <c>./pairdb</c> script as a user would, on the tree this test assembly was built with.</summary>
internal static class PairDbScript
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static string RepositoryRoot => HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);

    private static string Configuration => typeof(PairDbScript).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    /// <param name="environment">Variables set for this run only, e.g. PAIRDB_API_KEY.</param>
    public static async Task<ScriptRun> RunAsync(IReadOnlyList<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        startInfo.ArgumentList.Add(Path.Combine(RepositoryRoot, "pairdb"));
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        // `dotnet test` has just built everything this script would build, in the test's configuration.
        startInfo.Environment["PAIRDB_SKIP_BUILD"] = "1";
        startInfo.Environment["PAIRDB_CONFIGURATION"] = Configuration;
        // The cluster runs its own PostgreSQL, whatever this environment points at.
        startInfo.Environment.Remove("PAIRDB_POSTGRES");
        startInfo.Environment.Remove("PAIRDB_COORDINATOR");
        startInfo.Environment.Remove("PAIRDB_API_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"./pairdb {string.Join(' ', args)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }
        return new ScriptRun(process.ExitCode, await output, await error, stopwatch.Elapsed);
    }
}

internal sealed record ScriptRun(int ExitCode, string Out, string Error, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Out}\nstderr:\n{Error}";
}
