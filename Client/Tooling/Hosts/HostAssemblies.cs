namespace PairDb.Client.Tooling;

/// <summary>The hosts pairdb can launch.</summary>
public enum HostKind
{
    StorageNode,
    Coordinator,
}

/// <summary>Finds the repository root and the built assembly of each host inside it.</summary>
public static class HostAssemblies
{
    private const string SolutionFile = "PairDb.sln";

    /// <summary>Walks up from <paramref name="start"/> to the directory holding PairDb.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No {SolutionFile} found in {start} or any directory above it.");
    }

    /// <summary>
    /// The path of <paramref name="kind"/>'s built dll for <paramref name="configuration"/>; throws with the
    /// build command to run when it has not been built.
    /// </summary>
    public static string Locate(string repositoryRoot, HostKind kind, string configuration = "Release")
    {
        var (projectDir, assembly) = kind switch
        {
            HostKind.StorageNode => (Path.Combine("StorageNode", "Host"), "PairDb.StorageNode.dll"),
            HostKind.Coordinator => ("Coordinator", "PairDb.Coordinator.dll"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown host"),
        };
        var path = Path.Combine(repositoryRoot, projectDir, "bin", configuration, "net10.0", assembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{kind} is not built: {path} is missing. Run: dotnet build {Path.Combine(repositoryRoot, projectDir)} -c {configuration}",
                path);
        }
        return path;
    }
}
