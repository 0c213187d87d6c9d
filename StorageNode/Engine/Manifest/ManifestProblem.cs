namespace PairDb.Engine;

/// <summary>Why the manifest cannot describe the data directory (see <see cref="ManifestUnavailableException"/>).</summary>
public enum ManifestProblem
{
    /// <summary>No <c>MANIFEST</c> file, yet table files are present.</summary>
    Missing = 1,

    /// <summary>The file exists but reading it failed (permissions, I/O error).</summary>
    Unreadable = 2,

    /// <summary>Truncated, bad magic, bad lengths or a CRC mismatch.</summary>
    Corrupt = 3,

    /// <summary>A format version this build does not read (a newer build wrote it).</summary>
    UnsupportedVersion = 4,
}
