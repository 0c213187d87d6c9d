using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>
/// docker-compose.yml is not run here (no Docker engine on the build machine): these tests hold it
/// to the hosts' configuration keys, ports and health endpoints instead.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string[] StorageNodes = ["storage-node-1", "storage-node-2", "storage-node-3"];

    private YamlMappingNode _compose = null!;
    private YamlMappingNode _services = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _compose = DeployFiles.ReadYaml("docker-compose.yml").Single();
        _services = _compose.Map("services");
    }

    [Test]
    public void Services_AreTheClusterAndItsMonitoring()
    {
        Assert.That(_services.Keys(), Is.EquivalentTo((string[])["postgres", "migrations", "coordinator", .. StorageNodes, "prometheus"]));
    }

    [Test]
    public void Postgres_Version15WithHealthCheckAndVolume()
    {
        var postgres = _services.Map("postgres");

        Assert.That(postgres.Text("image"), Is.EqualTo("postgres:15"));
        Assert.That(string.Join(' ', postgres.Map("healthcheck").Seq("test").Texts()), Does.Contain("pg_isready"));
        Assert.That(VolumeTargets(postgres), Has.Member("/var/lib/postgresql/data"));
    }

    [Test]
    public void Migrations_RunOnceAfterPostgresIsHealthy()
    {
        var migrations = _services.Map("migrations");

        Assert.That(migrations.Map("depends_on").Map("postgres").Text("condition"), Is.EqualTo("service_healthy"));
        Assert.That(migrations.Text("restart"), Is.EqualTo("no"));
        Assert.That(Environment(migrations).Keys, Is.SupersetOf(ConfigurationKeys.Migrations));
        Assert.That(File.Exists(DeployFiles.PathOf(migrations.Map("build").Text("dockerfile"))), Is.True, "migrations Dockerfile exists");
    }

    [Test]
    public void Coordinator_PortsAndHealthCheckFollowItsConfiguration()
    {
        var coordinator = _services.Map("coordinator");
        var env = Environment(coordinator);

        Assert.That(env.Keys, Is.SupersetOf(ConfigurationKeys.Coordinator));
        var grpc = int.Parse(env[ConfigurationKeys.CoordinatorGrpcPort], CultureInfo.InvariantCulture);
        var http = int.Parse(env[ConfigurationKeys.CoordinatorHttpPort], CultureInfo.InvariantCulture);
        Assert.That((grpc, http), Is.EqualTo((ConfigurationKeys.CoordinatorGrpcPortDefault, ConfigurationKeys.CoordinatorHttpPortDefault)));
        Assert.That(ContainerPorts(coordinator), Is.EquivalentTo(new[] { grpc, http }));
        Assert.That(HealthCheck(coordinator), Does.Contain($"http://localhost:{http}{ConfigurationKeys.LivenessPath}"));
        Assert.That(coordinator.Map("depends_on").Map("migrations").Text("condition"), Is.EqualTo("service_completed_successfully"));
        Assert.That(env[ConfigurationKeys.MetadataConnectionString], Does.Contain("Host=postgres"));
    }

    [TestCaseSource(nameof(StorageNodes))]
    public void StorageNode_ConfigurationPortsVolumeAndHealthCheckAgree(string service)
    {
        var node = _services.Map(service);
        var env = Environment(node);

        Assert.That(env.Keys, Is.SupersetOf(ConfigurationKeys.StorageNode));
        Assert.That(env[ConfigurationKeys.StorageNodeId], Is.EqualTo(service));
        var grpc = int.Parse(env[ConfigurationKeys.StorageNodeGrpcPort], CultureInfo.InvariantCulture);
        var http = int.Parse(env[ConfigurationKeys.StorageNodeHttpPort], CultureInfo.InvariantCulture);
        Assert.That((grpc, http), Is.EqualTo((ConfigurationKeys.StorageNodeGrpcPortDefault, ConfigurationKeys.StorageNodeHttpPortDefault)));
        Assert.That(ContainerPorts(node), Is.EquivalentTo(new[] { grpc, http }));
        Assert.That(HealthCheck(node), Does.Contain($"http://localhost:{http}{ConfigurationKeys.LivenessPath}"));
        Assert.That(VolumeTargets(node), Has.Member(env[ConfigurationKeys.StorageNodeDataDirectory]), "the data directory is a volume");
    }

    [Test]
    public void StorageNodes_OwnVolumesAndDistinctIds()
    {
        var volumes = StorageNodes.Select(s => Volumes(_services.Map(s)).Single().Source).ToList();
        var ids = StorageNodes.Select(s => Environment(_services.Map(s))[ConfigurationKeys.StorageNodeId]).ToList();

        Assert.That(volumes, Is.Unique);
        Assert.That(ids, Is.Unique);
    }

    [Test]
    public void HostPorts_AreDistinct()
    {
        var hostPorts = _services.Keys().SelectMany(s => Ports(_services.Map(s)).Select(p => p.Host)).ToList();

        Assert.That(hostPorts, Is.Unique);
    }

    [Test]
    public void Coordinator_KeepsItsStateDirectoryOnANamedVolume()
    {
        // The ring snapshot and hint spool (README "During a PostgreSQL outage") must survive a container restart.
        var state = Volumes(_services.Map("coordinator")).Single(v => v.Target == "/var/lib/pairdb/coordinator");

        Assert.That(state.Source, Does.Not.StartWith("."), "a named volume, not a bind mount");
    }

    [Test]
    public void NamedVolumes_AreDeclared()
    {
        var declared = _compose.Map("volumes").Keys().ToHashSet();
        var used = _services.Keys().SelectMany(s => Volumes(_services.Map(s))).Where(v => !v.Source.StartsWith('.')).Select(v => v.Source);

        Assert.That(declared, Is.SupersetOf(used.Distinct()));
    }

    [Test]
    public void Builds_NameExistingDockerfilesFromTheRepositoryRoot()
    {
        foreach (var service in _services.Keys().Where(s => _services.Map(s).Has("build")))
        {
            var build = _services.Map(service).Map("build");
            Assert.That(build.Text("context"), Is.EqualTo("."), service);
            Assert.That(File.Exists(DeployFiles.PathOf(build.Text("dockerfile"))), Is.True, $"{service}: {build.Text("dockerfile")} exists");
        }
    }

    [Test]
    public void Prometheus_MountsItsConfigAndTheAlertRules()
    {
        var prometheus = _services.Map("prometheus");
        var mounts = Volumes(prometheus).Where(v => v.Source.StartsWith('.')).ToDictionary(v => v.Source, v => v.Target);

        Assert.That(prometheus.Text("image"), Does.StartWith("prom/prometheus"));
        Assert.That(mounts.Keys, Is.SupersetOf(new[] { "./deploy/prometheus/prometheus.yml", "./deploy/prometheus/alerts.yml" }));
        foreach (var source in mounts.Keys)
        {
            Assert.That(File.Exists(DeployFiles.PathOf(source)), Is.True, $"{source} exists");
        }

        var config = DeployFiles.ReadYaml("deploy/prometheus/prometheus.yml").Single();
        Assert.That(config.Seq("rule_files").Texts(), Has.Member(mounts["./deploy/prometheus/alerts.yml"]));
        Assert.That(prometheus.Seq("command").Texts(), Has.Member("--config.file=" + mounts["./deploy/prometheus/prometheus.yml"]));
    }

    [Test]
    public void Prometheus_ScrapesMetricsOfEveryHostOnItsHttpPort()
    {
        var config = DeployFiles.ReadYaml("deploy/prometheus/prometheus.yml").Single();
        var jobs = config.Seq("scrape_configs").Children.Cast<YamlMappingNode>().ToList();
        var targets = jobs
            .SelectMany(j => j.Seq("static_configs").Children.SelectMany(c => c.Seq("targets").Texts()))
            .ToList();
        var expected = StorageNodes
            .Select(s => $"{s}:{Environment(_services.Map(s))[ConfigurationKeys.StorageNodeHttpPort]}")
            .Append($"coordinator:{Environment(_services.Map("coordinator"))[ConfigurationKeys.CoordinatorHttpPort]}");

        Assert.That(targets, Is.EquivalentTo(expected));
        Assert.That(jobs.Select(j => j.Text("metrics_path")), Is.All.EqualTo("/metrics"));
    }

    internal static Dictionary<string, string> Environment(YamlMappingNode service) =>
        service.Map("environment").Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);

    internal static IEnumerable<(int Host, int Container)> Ports(YamlMappingNode service) =>
        service.Find("ports") is YamlSequenceNode ports
            ? ports.Texts().Select(p => p.Split(':')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)))
            : [];

    internal static IEnumerable<int> ContainerPorts(YamlMappingNode service) => Ports(service).Select(p => p.Container);

    private static IEnumerable<(string Source, string Target)> Volumes(YamlMappingNode service) =>
        service.Find("volumes") is YamlSequenceNode volumes
            ? volumes.Texts().Select(v => v.Split(':')).Select(v => (v[0], v[1]))
            : [];

    private static IEnumerable<string> VolumeTargets(YamlMappingNode service) => Volumes(service).Select(v => v.Target);

    private static string HealthCheck(YamlMappingNode service) => string.Join(' ', service.Map("healthcheck").Seq("test").Texts());
}
