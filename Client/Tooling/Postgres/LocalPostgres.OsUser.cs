namespace PairDb.Client.Tooling;

// PostgreSQL refuses to run as root. When we are root, every tool runs as the configured OS user,
// and the server's directory must belong to that user.
public sealed partial class LocalPostgres
{
    private static readonly TimeSpan ShortCommand = TimeSpan.FromSeconds(30);

    private static bool RunningAsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    private async Task PrepareDirectoriesAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(RootDirectory);
        Directory.CreateDirectory(SocketDirectory);
        await GiveToOsUserAsync(RootDirectory, cancellationToken);
        await GiveToOsUserAsync(SocketDirectory, cancellationToken);
    }

    private async Task GiveToOsUserAsync(string path, CancellationToken cancellationToken)
    {
        if (!RunningAsRoot)
        {
            return;
        }
        var owner = $"{_options.OsUser}:{_options.OsUser}";
        var result = await ProcessRunner.RunAsync("chown", [owner, path], ShortCommand, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException(
                $"Could not give {path} to the OS user '{_options.OsUser}' that runs PostgreSQL " +
                $"(exit {result.ExitCode}): {result.Output}. Create the user with: useradd --system postgres");
        }
    }

    private Task<ProcessResult> RunToolAsync(
        string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        List<string> command;
        if (!RunningAsRoot)
        {
            command = [tool, .. arguments];
        }
        else if (File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser"))
        {
            command = ["runuser", "-u", _options.OsUser, "--", tool, .. arguments];
        }
        else
        {
            // su hands the extra words to the shell as $0 and $@, so nothing is re-quoted.
            command = ["su", "-s", "/bin/sh", _options.OsUser, "-c", "exec \"$0\" \"$@\"", tool, .. arguments];
        }
        command.InsertRange(0, _options.CommandPrefix);
        return ProcessRunner.RunAsync(command[0], command[1..], timeout, RootDirectory, cancellationToken);
    }

    private string RootHint() =>
        RunningAsRoot
            ? $" (running as root, so initdb ran as '{_options.OsUser}': that user must be able to enter every directory above {RootDirectory})"
            : string.Empty;
}
