using PairDb.Client.Tooling;
using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>Finds the deploy files in the checkout and reads YAML into navigable nodes.</summary>
internal static class DeployFiles
{
    public static string Root { get; } = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Every document of a YAML file (Kubernetes files hold several, separated by <c>---</c>).</summary>
    public static IReadOnlyList<YamlMappingNode> ReadYaml(string relative)
    {
        using var reader = new StreamReader(PathOf(relative));
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    public static YamlMappingNode Map(this YamlNode node, string key) => (YamlMappingNode)node[key];

    public static YamlSequenceNode Seq(this YamlNode node, string key) => (YamlSequenceNode)node[key];

    public static string Text(this YamlNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    public static bool Has(this YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static YamlNode? Find(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static IEnumerable<string> Texts(this YamlSequenceNode node) => node.Children.Select(c => ((YamlScalarNode)c).Value!);

    /// <summary>The keys of a mapping, in file order.</summary>
    public static IEnumerable<string> Keys(this YamlMappingNode node) => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
}
