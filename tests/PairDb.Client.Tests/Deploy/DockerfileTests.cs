using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>The multi-stage Dockerfiles under deploy/docker, checked without a Docker engine.</summary>
public sealed class DockerfileTests
{
    private const string SdkImage = "mcr.microsoft.com/dotnet/sdk:10.0";
    private const string RuntimeImage = "mcr.microsoft.com/dotnet/aspnet:10.0";

    public static IEnumerable<string> Dockerfiles() =>
        Directory.GetFiles(DeployFiles.PathOf("deploy/docker"), "*.Dockerfile")
            .Select(p => Path.GetRelativePath(DeployFiles.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Test]
    public void Directory_HoldsOneDockerfilePerHostAndMigrations()
    {
        Assert.That(Dockerfiles(), Is.EquivalentTo(new[]
        {
            "deploy/docker/coordinator.Dockerfile",
            "deploy/docker/migrations.Dockerfile",
            "deploy/docker/storage-node.Dockerfile",
        }));
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void Stages_BuildWithSdkAndRunOnAspNet(string relative)
    {
        var file = Dockerfile.Parse(DeployFiles.PathOf(relative));
        var stages = file.All("FROM").Select(f => f.Arguments).ToList();

        Assert.That(stages, Has.Count.GreaterThanOrEqualTo(2), "multi-stage");
        Assert.That(stages[0], Is.EqualTo($"{SdkImage} AS build"));
        Assert.That(stages[^1], Does.StartWith(RuntimeImage));
        Assert.That(file.All("COPY").Select(c => c.Arguments), Has.Some.StartsWith("--from=build "), "the runtime stage copies the build output");
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void Publish_NamesAnExistingProjectAndEntryPointRunsItsAssembly(string relative)
    {
        var file = Dockerfile.Parse(DeployFiles.PathOf(relative));
        var publish = file.All("RUN").Select(r => r.Arguments).Single(r => r.StartsWith("dotnet publish ", StringComparison.Ordinal));
        var project = publish.Split(' ')[2];
        var entryPoint = JsonSerializer.Deserialize<string[]>(file.All("ENTRYPOINT").Single().Arguments)!;

        Assert.That(File.Exists(DeployFiles.PathOf(project)), Is.True, $"{project} exists");
        Assert.That(entryPoint, Is.EqualTo(new[] { "dotnet", AssemblyName(project) + ".dll" }));
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void CopySources_ExistInTheRepository(string relative)
    {
        var file = Dockerfile.Parse(DeployFiles.PathOf(relative));
        var sources = file.All("COPY")
            .Where(c => !c.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .SelectMany(c => c.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);

        foreach (var source in sources)
        {
            var path = DeployFiles.PathOf(source);
            Assert.That(File.Exists(path) || Directory.Exists(path), Is.True, $"{relative}: COPY source {source} exists");
        }
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void Expose_MatchesTheComposeServicesBuiltFromIt(string relative)
    {
        var file = Dockerfile.Parse(DeployFiles.PathOf(relative));
        var exposed = file.All("EXPOSE")
            .SelectMany(e => e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToHashSet();
        var services = DeployFiles.ReadYaml("docker-compose.yml").Single().Map("services");
        var built = services.Keys()
            .Select(s => services.Map(s))
            .Where(s => s.Find("build") is YamlMappingNode b && b.Text("dockerfile") == relative)
            .ToList();

        Assert.That(built, Is.Not.Empty, $"a compose service builds {relative}");
        foreach (var service in built)
        {
            Assert.That(DockerComposeTests.ContainerPorts(service).ToHashSet(), Is.EquivalentTo(exposed), relative);
        }
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void EnvKeys_AreKnownConfigurationKeys(string relative)
    {
        var file = Dockerfile.Parse(DeployFiles.PathOf(relative));
        var keys = file.All("ENV")
            .SelectMany(e => e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=')[0]);
        var known = ConfigurationKeys.StorageNode.Concat(ConfigurationKeys.Coordinator).ToHashSet();

        Assert.That(known, Is.SupersetOf(keys.Distinct()));
    }

    [TestCaseSource(nameof(Dockerfiles))]
    public void DockerIgnore_KeepsBuildOutputsOutOfTheContext(string relative)
    {
        var ignore = DeployFiles.PathOf(relative + ".dockerignore");

        Assert.That(File.Exists(ignore), Is.True, $"{relative}.dockerignore exists");
        Assert.That(File.ReadAllLines(ignore), Is.SupersetOf(new[] { "**/bin/", "**/obj/" }));
    }

    private static string AssemblyName(string project)
    {
        var name = XDocument.Load(DeployFiles.PathOf(project)).Descendants("AssemblyName").FirstOrDefault()?.Value;
        return name ?? Path.GetFileNameWithoutExtension(project);
    }
}
