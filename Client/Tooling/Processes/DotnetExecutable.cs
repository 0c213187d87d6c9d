namespace PairDb.Client.Tooling;

/// <summary>Finds the <c>dotnet</c> muxer used to run a built host assembly.</summary>
public static class DotnetExecutable
{
    /// <summary>
    /// The SDK sets DOTNET_HOST_PATH for everything it runs (dotnet test, dotnet run), so that wins;
    /// then the muxer next to the running runtime; then whatever <c>dotnet</c> the PATH finds.
    /// </summary>
    public static string Locate()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }
        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root))
        {
            var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return "dotnet";
    }
}
