namespace PairDb.Client.Tooling;

/// <summary>The directory holding a PostgreSQL installation's initdb and pg_ctl.</summary>
public sealed record PostgresBinaries(string Directory, int MajorVersion)
{
    /// <summary>Overrides the search with an explicit bin directory.</summary>
    public const string OverrideVariable = "PAIRDB_POSTGRES_BIN";

    private const string DebianRoot = "/usr/lib/postgresql";

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>Finds the binaries, or returns null when this machine has none.</summary>
    public static PostgresBinaries? TryLocate()
    {
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return HasTools(overridden) ? new PostgresBinaries(overridden, 0) : null;
        }
        if (!System.IO.Directory.Exists(DebianRoot))
        {
            return null;
        }
        // Debian and Ubuntu install each major version side by side: take the newest complete one.
        PostgresBinaries? newest = null;
        foreach (var versionDir in System.IO.Directory.GetDirectories(DebianRoot))
        {
            if (!int.TryParse(Path.GetFileName(versionDir), out var major))
            {
                continue;
            }
            var bin = Path.Combine(versionDir, "bin");
            if (HasTools(bin) && (newest is null || major > newest.MajorVersion))
            {
                newest = new PostgresBinaries(bin, major);
            }
        }
        return newest;
    }

    /// <summary>Finds the binaries or throws saying how to get them.</summary>
    public static PostgresBinaries Locate() =>
        TryLocate() ?? throw new LocalPostgresException(
            $"No PostgreSQL binaries found (looked for initdb and pg_ctl under {DebianRoot}/*/bin" +
            $" and in ${OverrideVariable}). Install them with: apt-get install -y postgresql");

    private static bool HasTools(string bin) =>
        File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl"));
}
