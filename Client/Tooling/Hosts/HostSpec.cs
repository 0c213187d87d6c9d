namespace PairDb.Client.Tooling;

/// <summary>What to start as a host child process and how to know it is up.</summary>
public sealed class HostSpec
{
    /// <summary>A name for messages and log files, e.g. <c>storage-node-1</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The built host assembly, run as <c>dotnet &lt;AssemblyPath&gt;</c>.</summary>
    public required string AssemblyPath { get; init; }

    /// <summary>Command-line arguments, e.g. <c>--urls http://127.0.0.1:PORT</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Words run before <c>dotnet</c>, which they must exec in turn so the PID we hold stays the host's, e.g.
    /// <c>ip netns exec NS</c> to start the host in a network namespace (the chaos tool). Default: none.
    /// </summary>
    public IReadOnlyList<string> CommandPrefix { get; init; } = [];

    /// <summary>Extra environment variables; the child otherwise inherits ours.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The URL that must answer 200 before the host counts as started.</summary>
    public required Uri HealthUrl { get; init; }

    /// <summary>
    /// The cluster CA when <see cref="HealthUrl"/> is https: the host's certificate must be issued by it.
    /// Default null (plaintext, or the machine's trust store).
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TrustedCa { get; init; }

    /// <summary>The file that receives the host's stdout and stderr (appended to).</summary>
    public required string LogPath { get; init; }

    /// <summary>Working directory of the child. Default: the directory of the log file.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// How long to wait for the health URL. Default: 90 seconds. A coordinator applies migrations and
    /// starts its job scheduler before it answers; on a loaded 2-core machine that alone has taken over
    /// 30 seconds. A host that cannot start fails long before this (its process exits and the wait ends).
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
