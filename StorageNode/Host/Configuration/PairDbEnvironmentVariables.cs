using Microsoft.Extensions.Configuration;

namespace PairDb.StorageNode.Configuration;

/// <summary>
/// Environment variables <c>PAIRDB_Section__Key</c> as configuration keys <c>PairDb:Section:Key</c>,
/// e.g. <c>PAIRDB_StorageNode__GrpcPort=8001</c> sets <c>PairDb:StorageNode:GrpcPort</c>. (The stock
/// prefix provider would strip the prefix and land the key outside the <c>PairDb</c> section.)
/// </summary>
public sealed class PairDbEnvironmentVariablesSource : IConfigurationSource
{
    public const string Prefix = "PAIRDB_";

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    /// <summary>Adds the source just before the command line, so the command line still wins.</summary>
    public static void Install(IConfigurationBuilder builder)
    {
        var sources = builder.Sources;
        var at = sources.Count;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource)
            {
                at = i;
                break;
            }
        }

        sources.Insert(at, new PairDbEnvironmentVariablesSource());
    }

    private sealed class Provider : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                var name = (string)entry.Key;
                if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && name.Length > Prefix.Length)
                {
                    data["PairDb:" + name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = (string?)entry.Value;
                }
            }

            Data = data;
        }
    }
}
