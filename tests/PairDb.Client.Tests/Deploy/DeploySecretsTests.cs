using YamlDotNet.RepresentationModel;

namespace PairDb.Client.Tests.Deploy;

/// <summary>
/// Secrets in docker-compose.yml and the Kubernetes manifests come from files and Secrets, never literals;
/// compose runs insecure explicitly (a developer cluster), Kubernetes secure with TLS files from a Secret.
/// </summary>
public sealed class DeploySecretsTests
{
    private static readonly string[] Hosts = ["coordinator", "storage-node-1", "storage-node-2", "storage-node-3"];

    [Test]
    public void Compose_NoPasswordInAnyEnvironment_PostgresReadsItsFromASecretFile()
    {
        var services = DeployFiles.ReadYaml("docker-compose.yml").Single().Map("services");

        foreach (var service in services.Keys().Where(s => services.Map(s).Has("environment")))
        {
            var environment = DockerComposeTests.Environment(services.Map(service));
            Assert.That(environment.Keys, Has.None.EqualTo("POSTGRES_PASSWORD"), service);
            Assert.That(environment.Values, Has.None.Contains("Password=").IgnoreCase, service);
        }
        Assert.That(DockerComposeTests.Environment(services.Map("postgres"))["POSTGRES_PASSWORD_FILE"], Is.EqualTo("/run/secrets/postgres_password"));
        foreach (var service in new[] { "migrations", "coordinator" })
        {
            Assert.That(DockerComposeTests.Environment(services.Map(service))[ConfigurationKeys.MetadataConnectionString], Does.Contain("Passfile=/run/secrets/pgpass"), service);
        }
    }

    [Test]
    public void Compose_SecretsAreFilesTheScriptCreates()
    {
        var secrets = DeployFiles.ReadYaml("docker-compose.yml").Single().Map("secrets");

        Assert.That(secrets.Keys().Select(k => secrets.Map(k).Text("file")), Is.EquivalentTo(new[]
        {
            "./deploy/docker/secrets/postgres_password", "./deploy/docker/secrets/pgpass",
        }));
        var script = File.ReadAllText(DeployFiles.PathOf("deploy/docker/make-secrets.sh"));
        Assert.That(script, Does.Contain("postgres_password").And.Contain("pgpass"));
    }

    [Test]
    public void Compose_Hosts_InsecureExplicitlyAndListeningOnTheDockerNetwork()
    {
        var services = DeployFiles.ReadYaml("docker-compose.yml").Single().Map("services");

        foreach (var host in Hosts)
        {
            var environment = DockerComposeTests.Environment(services.Map(host));
            Assert.That(environment["PairDb__Security__Insecure"], Is.EqualTo("true"), host);
            Assert.That(environment.Where(e => e.Key.EndsWith("__ListenAddress", StringComparison.Ordinal)).Select(e => e.Value), Is.EqualTo(new[] { "0.0.0.0" }), host);
        }
    }

    [Test]
    public void Kubernetes_HostsMountTlsAndOperatorSecretsAtTheConfiguredPaths()
    {
        var docs = DeployFiles.ReadYaml("deploy/k8s/configmap.yaml").Concat(DeployFiles.ReadYaml("deploy/k8s/coordinator.yaml"))
            .Concat(DeployFiles.ReadYaml("deploy/k8s/storage-node.yaml")).ToList();
        var config = docs.Single(d => d.Text("kind") == "ConfigMap").Map("data");
        var paths = ConfigurationKeys.Security.Where(k => !k.EndsWith("Insecure", StringComparison.Ordinal)).Select(k => config.Text(k)).ToList();

        foreach (var workload in docs.Where(d => d.Text("kind") is "Deployment" or "StatefulSet"))
        {
            var pod = workload.Map("spec").Map("template").Map("spec");
            var secrets = ((YamlSequenceNode)pod["volumes"]).Children.Cast<YamlMappingNode>()
                .Where(v => v.Has("secret")).ToDictionary(v => v.Text("name"), v => v.Map("secret").Text("secretName"));
            var container = (YamlMappingNode)pod.Seq("containers").Children[0];
            var mounts = container.Seq("volumeMounts").Children.Cast<YamlMappingNode>()
                .Where(m => secrets.ContainsKey(m.Text("name"))).Select(m => m.Text("mountPath")).ToList();
            var name = workload.Map("metadata").Text("name");

            Assert.That(secrets.Values, Is.EquivalentTo(new[] { "pairdb-tls", "pairdb-operator" }), name);
            Assert.That(paths, Has.All.Matches<string>(p => mounts.Any(m => p.StartsWith(m + "/", StringComparison.Ordinal))), name);
            Assert.That(container.Map("livenessProbe").Map("httpGet").Text("scheme"), Is.EqualTo("HTTPS"), name);
        }
        Assert.That(config.Has("PairDb__Security__Insecure"), Is.False, "Kubernetes runs secure");
    }
}
