using System.Text;

namespace PairDb.Engine;

/// <summary>
/// <see cref="LsmEngine.Open"/> refused the data directory: its manifest is missing, unreadable, corrupt or of an
/// unsupported version, so the engine cannot tell which table files hold live data. Nothing was deleted or rewritten.
/// The way out is an operator's decision: restore the manifest, or quarantine the files and rebuild from replicas
/// (<see cref="LsmEngineOptions.QuarantineUnaccountedFiles"/>, <see cref="LsmEngine.QuarantineUnaccountedFiles"/>).
/// </summary>
public sealed class ManifestUnavailableException : StorageEngineException
{
    private const int NamesShown = 5;

    public ManifestUnavailableException(string dataDirectory, ManifestProblem problem, string detail, IReadOnlyList<string> tableFiles, Exception? innerException = null)
        : base(Describe(dataDirectory, detail, tableFiles), innerException)
    {
        DataDirectory = dataDirectory;
        Problem = problem;
        Detail = detail;
        TableFiles = tableFiles;
    }

    public string DataDirectory { get; }

    public ManifestProblem Problem { get; }

    /// <summary>What is wrong with the manifest, in words (e.g. <c>MANIFEST is missing</c>).</summary>
    public string Detail { get; }

    /// <summary>Full paths of the table files found on disk that no readable manifest accounts for.</summary>
    public IReadOnlyList<string> TableFiles { get; }

    private static string Describe(string dataDirectory, string detail, IReadOnlyList<string> tableFiles)
    {
        var text = new StringBuilder();
        text.Append("Refusing to open data_directory=").Append(dataDirectory).Append(": ").Append(detail).Append(". ");
        text.Append(tableFiles.Count).Append(" table file(s) cannot be accounted for");
        for (var i = 0; i < tableFiles.Count && i < NamesShown; i++)
        {
            text.Append(i == 0 ? ": " : ", ").Append(ShortName(dataDirectory, tableFiles[i]));
        }

        if (tableFiles.Count > NamesShown)
        {
            text.Append(", and ").Append(tableFiles.Count - NamesShown).Append(" more");
        }

        text.Append(". Nothing was deleted or rewritten. To recover: restore MANIFEST from a backup and restart, or rebuild this node")
            .Append(" from its replicas by quarantining the unaccounted files (moved, never deleted, to ")
            .Append(Path.Combine(dataDirectory, "quarantine-<UTC timestamp>")).Append(Path.DirectorySeparatorChar).Append(").");
        return text.ToString();
    }

    private static string ShortName(string dataDirectory, string path) =>
        Path.GetRelativePath(dataDirectory, path).Replace(Path.DirectorySeparatorChar, '/');
}
