using System.Reflection;
using PairDb.Client.Tooling;

namespace PairDb.Client.Tests.Testing;

/// <summary>The host assemblies built alongside this test assembly.</summary>
internal static class BuiltHosts
{
    public static string Locate(HostKind kind)
    {
        var configuration = typeof(BuiltHosts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        return HostAssemblies.Locate(root, kind, configuration);
    }
}
