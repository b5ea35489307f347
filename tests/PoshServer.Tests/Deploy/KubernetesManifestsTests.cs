using System.Net;
using PoshServer.Tests.Export;
using PoshTesting;
using YamlDotNet.RepresentationModel;

namespace PoshServer.Tests.Deploy;

/// <summary>deploy/kubernetes: every file parses, and the facts the cluster relies on hold (there is no cluster here).</summary>
public sealed class KubernetesManifestsTests
{
    private static readonly string s_base = RepositoryPaths.Combine("deploy", "kubernetes", "base");
    private static readonly string s_gitSync = RepositoryPaths.Combine("deploy", "kubernetes", "git-sync");

    [Fact]
    public void EveryManifest_Parses()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.Combine("deploy"), "*.yaml", SearchOption.AllDirectories).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.NotEmpty(Yaml.LoadDocuments(file)));
    }

    [Fact]
    public void Kustomizations_ListOnlyExistingFiles()
    {
        foreach (var directory in new[] { s_base, s_gitSync })
        {
            var kustomization = Yaml.LoadDocuments(Path.Combine(directory, "kustomization.yaml")).Single();
            var listed = kustomization.Get("resources").Items().Concat(kustomization.Get("patches").Items().Select(p => p.At("path"))).Cast<YamlScalarNode>().Select(n => n.Value!);
            Assert.All(listed, path => Assert.True(File.Exists(Path.Combine(directory, path)) || File.Exists(Path.Combine(directory, path, "kustomization.yaml")), $"{directory}: {path}"));
        }
    }

    [Fact]
    public void Deployment_ThreeNonRootReplicasWithReadOnlyRootAndWritableStateOnEmptyDirs()
    {
        var deployment = Single("Deployment");
        var pod = deployment.At("spec", "template", "spec");
        var container = Container(deployment);

        Assert.Equal("3", deployment.Text("spec", "replicas"));
        Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Text("securityContext", "runAsUser"));
        Assert.Equal("true", container.Text("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"));
        var volumes = pod.Get("volumes").Items().ToDictionary(v => v.Text("name")!, StringComparer.Ordinal);
        foreach (var mount in container.Get("volumeMounts").Items())
        {
            var volume = volumes[mount.Text("name")!];
            if (mount.Text("readOnly") != "true")
            {
                // Writable paths are scratch space; everything that must survive lives in PostgreSQL.
                Assert.NotNull(volume.Get("emptyDir"));
            }
        }

        Assert.Contains(container.Get("volumeMounts").Items(), m => m.Text("mountPath") == "/app/data" && m.Text("readOnly") != "true");
        Assert.Contains(container.Get("volumeMounts").Items(), m => m.Text("mountPath") == "/tmp");
    }

    [Fact]
    public void Deployment_ClusterConfigurationAndSecretsTheExampleDefines()
    {
        var container = Container(Single("Deployment"));
        var env = container.Get("env").Items().ToDictionary(e => e.Text("name")!, StringComparer.Ordinal);
        var secrets = Yaml.LoadDocuments(RepositoryPaths.Combine("deploy", "kubernetes", "secrets.example.yaml"))
            .ToDictionary(s => s.Text("metadata", "name")!, s => ((YamlMappingNode)s.At("stringData")).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        Assert.Equal("postgresql", env["Cluster__Store"].Text("value"));
        Assert.Equal("metadata.name", env["Cluster__ReplicaName"].Text("valueFrom", "fieldRef", "fieldPath"));
        foreach (var name in new[] { "Cluster__ConnectionString", "Cluster__EncryptionKey" })
        {
            Assert.NotNull(env[name].Get("valueFrom")?.Get("secretKeyRef"));
        }

        // Every secret reference, required or optional, names a Secret and key that the example defines.
        var pod = Single("Deployment").At("spec", "template", "spec");
        foreach (var reference in pod.Descendants().Where(m => m.Get("secretKeyRef") is not null).Select(m => m.At("secretKeyRef")))
        {
            var secret = reference.Text("name")!;
            Assert.True(secrets.ContainsKey(secret), $"Secret {secret} is not in secrets.example.yaml");
            if (reference.Text("optional") != "true")
            {
                Assert.Contains(reference.Text("key")!, secrets[secret]);
            }
        }

        foreach (var volume in pod.Get("volumes").Items().Where(v => v.Get("secret") is not null))
        {
            Assert.True(secrets.ContainsKey(volume.Text("secret", "secretName")!));
        }
    }

    [Fact]
    public void Deployment_ConfigMapVolumesAreDefined()
    {
        var configMaps = Documents(s_base).Where(d => d.Text("kind") == "ConfigMap").Select(d => d.Text("metadata", "name")).ToHashSet(StringComparer.Ordinal);
        var volumes = Single("Deployment").At("spec", "template", "spec", "volumes").Items();

        Assert.All(volumes.Where(v => v.Get("configMap") is not null), v => Assert.Contains(v.Text("configMap", "name"), configMaps));
    }

    [Fact]
    public async Task Probes_PointAtHealthEndpointsThatAnswerOnTheContainerPort()
    {
        // Arrange: the real server; the probe paths must answer 200 on its HTTPS listener, whatever the Host (kubelet
        // sends the pod IP and no SNI; the client below dials the loopback server whatever the URL says).
        var container = Container(Single("Deployment"));
        var ports = container.Get("ports").Items().ToDictionary(p => p.Text("name")!, p => p.Text("containerPort")!, StringComparer.Ordinal);
        using var world = new TenantWorld();
        world.WriteTenant("example.com.yaml", "domain: example.com\n");
        await using var server = await PoshServerHost.StartAsync(world.Path);
        using var client = server.CreateClient();

        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var get = container.At(probe, "httpGet");
            Assert.Equal("HTTPS", get.Text("scheme"));
            // The image's HTTPS port (Dockerfile: Https__Port=8443).
            Assert.Equal("8443", ports[get.Text("port")!]);
            using var response = await client.GetAsync(new Uri("https://127.0.55.7" + get.Text("path")));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe} {get.Text("path")}: {response.StatusCode}");
        }

        Assert.Contains("Https__Port=8443", await File.ReadAllTextAsync(RepositoryPaths.Combine("Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceAndDisruptionBudget_SelectTheDeploymentsPods()
    {
        var deployment = Single("Deployment");
        var labels = (YamlMappingNode)deployment.At("spec", "template", "metadata", "labels");
        var service = Single("Service");
        var budget = Single("PodDisruptionBudget");
        var containerPorts = Container(deployment).Get("ports").Items().Select(p => p.Text("name")).ToHashSet(StringComparer.Ordinal);

        Assert.All(((YamlMappingNode)service.At("spec", "selector")).Children, label => Assert.Equal(labels.Children[label.Key], label.Value));
        Assert.All(((YamlMappingNode)budget.At("spec", "selector", "matchLabels")).Children, label => Assert.Equal(labels.Children[label.Key], label.Value));
        Assert.Equal("2", budget.Text("spec", "minAvailable"));
        Assert.Equal(["443", "80"], service.At("spec", "ports").Items().Select(p => p.Text("port")));
        Assert.All(service.At("spec", "ports").Items(), p => Assert.Contains(p.Text("targetPort"), containerPorts));
    }

    [Fact]
    public async Task TenantsConfigMap_IsAValidTenantsDirectory()
    {
        // Arrange: the ConfigMaps as the kubelet would mount them, the certificates at their mount path's stand-in.
        using var directory = new TempDirectory("posh-configmap-");
        var documents = Documents(s_base).Where(d => d.Text("kind") == "ConfigMap").ToDictionary(d => d.Text("metadata", "name")!, StringComparer.Ordinal);
        Directory.CreateDirectory(directory.Combine("tenants"));
        Directory.CreateDirectory(directory.Combine("certificates"));
        foreach (var (key, value) in ((YamlMappingNode)documents["poshserver-xmpp-certificates"].At("data")).Children)
        {
            await File.WriteAllTextAsync(directory.Combine("certificates", ((YamlScalarNode)key).Value!), ((YamlScalarNode)value).Value);
        }

        foreach (var (key, value) in ((YamlMappingNode)documents["poshserver-tenants"].At("data")).Children)
        {
            var text = ((YamlScalarNode)value).Value!.Replace("/etc/poshserver/xmpp-certificates/..data/", directory.Combine("certificates") + "/", StringComparison.Ordinal);
            await File.WriteAllTextAsync(directory.Combine("tenants", ((YamlScalarNode)key).Value!), text);
        }

        // Act + Assert: the first load succeeds (ExportHost asserts no errors) with every tenant.
        await using var host = ExportHost.Start(directory.Combine("tenants"));
        Assert.Equal(2, host.Store.Current.Tenants.Count);
        Assert.Contains(Single("Deployment").At("spec", "template", "spec", "volumes").Items(), v => v.Text("configMap", "name") == "poshserver-xmpp-certificates");
    }

    [Fact]
    public void GitSyncOverlay_ReplacesTheTenantsVolumeAndSignalsReloads()
    {
        var patch = Yaml.LoadDocuments(Path.Combine(s_gitSync, "deployment-patch.yaml")).Single();
        var pod = patch.At("spec", "template", "spec");
        var hooks = Yaml.LoadDocuments(Path.Combine(s_base, "reload-hooks-configmap.yaml")).Single();

        // The tenants volume becomes an emptyDir that git-sync fills (configMap: null deletes the base's source).
        var tenants = pod.Get("volumes").Items().Single(v => v.Text("name") == "tenants");
        Assert.NotNull(tenants.Get("emptyDir"));
        Assert.IsType<YamlScalarNode>(tenants.Get("configMap"));
        var sidecar = pod.Get("initContainers").Items().Single(c => c.Text("name") == "git-sync");
        Assert.Equal("Always", sidecar.Text("restartPolicy"));
        var hook = sidecar.Get("env").Items().Single(e => e.Text("name") == "GITSYNC_EXECHOOK_COMMAND").Text("value")!;
        Assert.Equal("/hooks/", hook[..7]);
        Assert.Contains("kill -HUP", hooks.Text("data", Path.GetFileName(hook)), StringComparison.Ordinal);
        Assert.Equal("1654", sidecar.Text("securityContext", "runAsUser"));
        Assert.StartsWith("/etc/poshserver/tenants/", pod.Get("containers").Items().Single().Get("env").Items().Single(e => e.Text("name") == "Tenants__Directory").Text("value"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reloader_SignalsPoshServerAfterConfigMapSwitches()
    {
        // The kubelet's ConfigMap files are symlinks that never change; the server reads through '..data' and the
        // sidecar sends SIGHUP (a full reload) when the link switches.
        var deployment = Single("Deployment");
        var pod = deployment.At("spec", "template", "spec");
        var reloader = pod.Get("initContainers").Items().Single(c => c.Text("name") == "tenants-reloader");
        var hooks = Yaml.LoadDocuments(Path.Combine(s_base, "reload-hooks-configmap.yaml")).Single();
        var env = Container(deployment).Get("env").Items().ToDictionary(e => e.Text("name")!, StringComparer.Ordinal);

        Assert.Equal("true", pod.Text("shareProcessNamespace"));
        Assert.Equal("Always", reloader.Text("restartPolicy"));
        Assert.Equal("/etc/poshserver/tenants/..data", env["Tenants__Directory"].Text("value"));
        var arguments = reloader.Get("command").Items().Cast<YamlScalarNode>().Select(n => n.Value!).ToList();
        Assert.Equal("/hooks/watch-configmap.sh", arguments[1]);
        Assert.Contains("/etc/poshserver/tenants", arguments);
        Assert.Contains("/hooks/reload-poshserver.sh", hooks.Text("data", "watch-configmap.sh"), StringComparison.Ordinal);
        Assert.Contains("kill -HUP", hooks.Text("data", "reload-poshserver.sh"), StringComparison.Ordinal);
    }

    private static IEnumerable<YamlMappingNode> Documents(string directory) =>
        Yaml.LoadDocuments(Path.Combine(directory, "kustomization.yaml")).Single().Get("resources").Items()
            .Cast<YamlScalarNode>()
            .SelectMany(resource => Yaml.LoadDocuments(Path.Combine(directory, resource.Value!)));

    private static YamlMappingNode Single(string kind) => Documents(s_base).Single(d => d.Text("kind") == kind);

    private static YamlNode Container(YamlNode deployment) =>
        deployment.At("spec", "template", "spec", "containers").Items().Single(c => c.Text("name") == "poshserver");
}
