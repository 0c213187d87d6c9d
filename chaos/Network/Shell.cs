using PairDb.Client.Tooling;

namespace PairDb.Chaos.Network;

/// <summary>Runs the short commands that build namespaces and rules; a failure throws with the command and its output.</summary>
internal static class Shell
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(params string[] command)
    {
        var result = await TryAsync(command);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{result.Command}' failed (exit {result.ExitCode}): {result.Output.Trim()}");
        }
    }

    public static Task<ProcessResult> TryAsync(params string[] command) => ProcessRunner.RunAsync(command[0], command[1..], Timeout);

    /// <summary>A command run inside network namespace <paramref name="ns"/>.</summary>
    public static Task InAsync(string ns, params string[] command) => RunAsync(["ip", "netns", "exec", ns, .. command]);
}
