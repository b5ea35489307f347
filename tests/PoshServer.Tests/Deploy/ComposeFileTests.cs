using YamlDotNet.RepresentationModel;

namespace PoshServer.Tests.Deploy;

/// <summary>deploy/compose: three replicas and PostgreSQL, each replica a cluster member with a name and ports of its own.</summary>
public sealed class ComposeFileTests
{
    private static readonly string s_directory = RepositoryPaths.Combine("deploy", "compose");

    [Fact]
    public void Compose_ThreeReplicasAndPostgreSql()
    {
        var compose = Yaml.LoadDocuments(Path.Combine(s_directory, "compose.yaml")).Single();
        var services = ((YamlMappingNode)compose.At("services")).Children.ToDictionary(s => ((YamlScalarNode)s.Key).Value!, s => s.Value, StringComparer.Ordinal);
        var replicas = services.Where(s => s.Key.StartsWith("poshserver-", StringComparison.Ordinal)).Select(s => s.Value).ToList();

        Assert.Equal(3, replicas.Count);
        Assert.StartsWith("postgres:", services["postgres"].Text("image"), StringComparison.Ordinal);
        Assert.Equal("service_healthy", replicas[0].Text("depends_on", "postgres", "condition"));
        Assert.Equal(3, replicas.Select(r => r.Text("environment", "Cluster__ReplicaName")).Distinct(StringComparer.Ordinal).Count());
        Assert.All(replicas, r =>
        {
            Assert.Equal("postgresql", r.Text("environment", "Cluster__Store"));
            Assert.Contains("Host=postgres;", r.Text("environment", "Cluster__ConnectionString"), StringComparison.Ordinal);
            Assert.Contains("${POSH_CLUSTER_ENCRYPTION_KEY:?", r.Text("environment", "Cluster__EncryptionKey"), StringComparison.Ordinal);
            Assert.Equal("true", r.Text("read_only"));
        });
        var hostPorts = replicas.SelectMany(r => r.Get("ports").Items()).Select(p => ((YamlScalarNode)p).Value!.Split(':')[0]).ToList();
        Assert.Equal(hostPorts.Count, hostPorts.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void EnvExample_DefinesEveryRequiredVariable()
    {
        var compose = File.ReadAllText(Path.Combine(s_directory, "compose.yaml"));
        var defined = File.ReadAllLines(Path.Combine(s_directory, ".env.example")).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var required = System.Text.RegularExpressions.Regex.Matches(compose, @"\$\{([A-Z_]+):\?").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(required);
        Assert.Subset(defined, required);
    }
}
