using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>The manifests under deploy/k8s, parsed and held to the hosts' ports, probes and keys.</summary>
public sealed class KubernetesManifestTests
{
    private List<YamlMappingNode> _docs = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _docs = [.. Directory.GetFiles(DeployFiles.PathOf("deploy/k8s"), "*.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(p => DeployFiles.ReadYaml(Path.GetRelativePath(DeployFiles.Root, p)))];
    }

    private YamlMappingNode One(string kind, string name) =>
        _docs.Single(d => d.Text("kind") == kind && d.Map("metadata").Text("name") == name);

    private YamlMappingNode Config => One("ConfigMap", "pairdb-config");

    private int ConfigPort(string key) => int.Parse(Config.Map("data").Text(key), CultureInfo.InvariantCulture);

    [Test]
    public void Kinds_CoverTheCluster()
    {
        Assert.That(_docs.Select(d => $"{d.Text("kind")}/{d.Map("metadata").Text("name")}"), Is.EquivalentTo(new[]
        {
            "ConfigMap/pairdb-config",
            "StatefulSet/pairdb-storage",
            "Service/pairdb-storage",
            "StatefulSet/pairdb-coordinator",
            "Service/pairdb-coordinator",
            "Job/pairdb-migrations",
        }));
        Assert.That(_docs.Select(d => d.Text("apiVersion")), Is.All.Not.Empty);
    }

    [Test]
    public void ConfigMap_HoldsOnlyKnownKeysWithTheDefaultPorts()
    {
        var data = Config.Map("data");
        var known = ConfigurationKeys.StorageNode.Concat(ConfigurationKeys.Coordinator).Concat(ConfigurationKeys.Security)
            .Append(ConfigurationKeys.StorageNodeListenAddress).Append(ConfigurationKeys.CoordinatorListenAddress).ToHashSet();

        Assert.That(known, Is.SupersetOf(data.Keys()));
        Assert.That(ConfigPort(ConfigurationKeys.StorageNodeGrpcPort), Is.EqualTo(ConfigurationKeys.StorageNodeGrpcPortDefault));
        Assert.That(ConfigPort(ConfigurationKeys.StorageNodeHttpPort), Is.EqualTo(ConfigurationKeys.StorageNodeHttpPortDefault));
        Assert.That(ConfigPort(ConfigurationKeys.CoordinatorGrpcPort), Is.EqualTo(ConfigurationKeys.CoordinatorGrpcPortDefault));
        Assert.That(ConfigPort(ConfigurationKeys.CoordinatorHttpPort), Is.EqualTo(ConfigurationKeys.CoordinatorHttpPortDefault));
    }

    [Test]
    public void StatefulSet_PortsProbesVolumeAndNodeId()
    {
        var set = One("StatefulSet", "pairdb-storage");
        var spec = set.Map("spec");
        var container = Container(spec);

        Assert.That(spec.Text("serviceName"), Is.EqualTo("pairdb-storage"));
        Assert.That(Ports(container), Is.EquivalentTo(new[]
        {
            ("grpc", ConfigPort(ConfigurationKeys.StorageNodeGrpcPort)),
            ("http", ConfigPort(ConfigurationKeys.StorageNodeHttpPort)),
        }));
        Assert.That(Probe(container, "livenessProbe"), Is.EqualTo((ConfigurationKeys.LivenessPath, "http")));
        Assert.That(Probe(container, "readinessProbe"), Is.EqualTo(("/health/ready", "http")));
        Assert.That(Probe(container, "startupProbe"), Is.EqualTo((ConfigurationKeys.LivenessPath, "http")));

        var claim = spec.Seq("volumeClaimTemplates").Children.Cast<YamlMappingNode>().Single().Map("metadata").Text("name");
        var mount = container.Seq("volumeMounts").Children.Cast<YamlMappingNode>().Single(m => m.Text("name") == claim);
        Assert.That(mount.Text("mountPath"), Is.EqualTo(Config.Map("data").Text(ConfigurationKeys.StorageNodeDataDirectory)));

        var nodeId = Env(container).Single(e => e.Text("name") == ConfigurationKeys.StorageNodeId);
        Assert.That(nodeId.Map("valueFrom").Map("fieldRef").Text("fieldPath"), Is.EqualTo("metadata.name"), "the pod name is the stable node id");
        Assert.That(SelectorMatchesTemplate(spec), Is.True, "selector matches the pod template's labels");
    }

    [Test]
    public void StorageService_IsHeadlessAndExposesBothPorts()
    {
        var spec = One("Service", "pairdb-storage").Map("spec");

        Assert.That(spec.Text("clusterIP"), Is.EqualTo("None"));
        Assert.That(ServicePorts(spec), Is.EquivalentTo(new[]
        {
            ("grpc", ConfigPort(ConfigurationKeys.StorageNodeGrpcPort)),
            ("http", ConfigPort(ConfigurationKeys.StorageNodeHttpPort)),
        }));
        Assert.That(spec.Map("selector").Text("app.kubernetes.io/name"), Is.EqualTo("pairdb-storage"));
    }

    [Test]
    public void Coordinator_StatefulSetAndServiceAgreeOnPortsProbesAndStateVolume()
    {
        var spec = One("StatefulSet", "pairdb-coordinator").Map("spec");
        var container = Container(spec);
        var expected = new[]
        {
            ("grpc", ConfigPort(ConfigurationKeys.CoordinatorGrpcPort)),
            ("http", ConfigPort(ConfigurationKeys.CoordinatorHttpPort)),
        };

        Assert.That(Ports(container), Is.EquivalentTo(expected));
        Assert.That(ServicePorts(One("Service", "pairdb-coordinator").Map("spec")), Is.EquivalentTo(expected));
        Assert.That(Probe(container, "livenessProbe"), Is.EqualTo((ConfigurationKeys.LivenessPath, "http")));
        Assert.That(container.Has("readinessProbe"), Is.True);
        Assert.That(Env(container).Select(e => e.Text("name")), Has.Member(ConfigurationKeys.MetadataConnectionString));
        Assert.That(SelectorMatchesTemplate(spec), Is.True, "selector matches the pod template's labels");
        // The ring snapshot and hint spool outlive the pod: a claim per coordinator, mounted at the StateDirectory default.
        var claim = spec.Seq("volumeClaimTemplates").Children.Cast<YamlMappingNode>().Single().Map("metadata").Text("name");
        var mounts = container.Seq("volumeMounts").Children.Cast<YamlMappingNode>();
        Assert.That(mounts.Single(m => m.Text("name") == claim).Text("mountPath"), Is.EqualTo("/var/lib/pairdb/coordinator"));
    }

    [Test]
    public void MigrationsJob_RunsToCompletionWithTheConnectionString()
    {
        var pod = One("Job", "pairdb-migrations").Map("spec").Map("template").Map("spec");
        var container = pod.Seq("containers").Children.Cast<YamlMappingNode>().Single();

        Assert.That(pod.Text("restartPolicy"), Is.AnyOf("OnFailure", "Never"));
        Assert.That(Env(container).Select(e => e.Text("name")), Is.SupersetOf(ConfigurationKeys.Migrations));
    }

    [Test]
    public void ConfigMapReferences_NameADefinedConfigMap()
    {
        var defined = _docs.Where(d => d.Text("kind") == "ConfigMap").Select(d => d.Map("metadata").Text("name")).ToHashSet();
        var referenced = _docs.Where(d => d.Text("kind") is "StatefulSet" or "Deployment")
            .Select(Container)
            .SelectMany(c => c.Find("envFrom") is YamlSequenceNode from ? from.Children.Cast<YamlMappingNode>() : [])
            .Select(f => f.Map("configMapRef").Text("name"))
            .ToHashSet();

        Assert.That(referenced, Is.Not.Empty, "the workloads read the shared ConfigMap");
        Assert.That(defined, Is.SupersetOf(referenced));
    }

    [Test]
    public void Images_AreTheOnesComposeBuilds()
    {
        var services = DeployFiles.ReadYaml("docker-compose.yml").Single().Map("services");

        Assert.That(Container(One("StatefulSet", "pairdb-storage")).Text("image"), Is.EqualTo(services.Map("storage-node-1").Text("image")));
        Assert.That(Container(One("StatefulSet", "pairdb-coordinator")).Text("image"), Is.EqualTo(services.Map("coordinator").Text("image")));
        var job = One("Job", "pairdb-migrations").Map("spec").Map("template").Map("spec").Seq("containers").Children.Cast<YamlMappingNode>().Single();
        Assert.That(job.Text("image"), Is.EqualTo(services.Map("migrations").Text("image")));
    }

    private static YamlMappingNode Container(YamlMappingNode workloadOrSpec)
    {
        var spec = workloadOrSpec.Has("spec") ? workloadOrSpec.Map("spec") : workloadOrSpec;
        return spec.Map("template").Map("spec").Seq("containers").Children.Cast<YamlMappingNode>().Single();
    }

    private static IEnumerable<YamlMappingNode> Env(YamlMappingNode container) =>
        container.Find("env") is YamlSequenceNode env ? env.Children.Cast<YamlMappingNode>() : [];

    private static IEnumerable<(string Name, int Port)> Ports(YamlMappingNode container) =>
        container.Seq("ports").Children.Cast<YamlMappingNode>()
            .Select(p => (p.Text("name"), int.Parse(p.Text("containerPort"), CultureInfo.InvariantCulture)));

    private static IEnumerable<(string Name, int Port)> ServicePorts(YamlMappingNode serviceSpec) =>
        serviceSpec.Seq("ports").Children.Cast<YamlMappingNode>()
            .Select(p => (p.Text("name"), int.Parse(p.Text("port"), CultureInfo.InvariantCulture)));

    private static (string Path, string Port) Probe(YamlMappingNode container, string probe)
    {
        var get = container.Map(probe).Map("httpGet");
        return (get.Text("path"), get.Text("port"));
    }

    private static bool SelectorMatchesTemplate(YamlMappingNode spec)
    {
        var labels = spec.Map("template").Map("metadata").Map("labels");
        return spec.Map("selector").Map("matchLabels").Children
            .All(l => labels.Find(((YamlScalarNode)l.Key).Value!) is YamlScalarNode v && v.Value == ((YamlScalarNode)l.Value).Value);
    }
}
