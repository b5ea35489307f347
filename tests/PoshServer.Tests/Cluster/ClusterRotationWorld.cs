using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Cluster.PostgreSql;
using PoshTesting;

namespace PoshServer.Tests.Cluster;

/// <summary>
/// PostgreSQL and N PoshServer replicas (no ACME) on 127.0.62.1..N, sharing one tenants directory (as a shared
/// volume would) whose default set deploys deployed/xmpp.pem from the next slot renewed/xmpp.pem, automatically,
/// with a reload command that appends a line to <see cref="ReloadLog"/> (so the test counts how often it ran).
/// </summary>
internal sealed class ClusterRotationWorld : IAsyncDisposable
{
    /// <summary>Every tenant's expires and the default (the minimum, 60 s) plus the set's margin (60 s).</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(60 + 60);

    private readonly List<ClusterReplica> _replicas = [];
    private readonly string[] _extraArguments;
    private PostgreSqlClusterStore? _store;

    private ClusterRotationWorld(PostgreSqlServer postgreSql, string[] extraArguments)
    {
        PostgreSql = postgreSql;
        _extraArguments = extraArguments;
        Directory.CreateDirectory(Tenants.Combine("deployed"));
        Directory.CreateDirectory(Tenants.Combine("renewed"));
        var now = DateTimeOffset.UtcNow;
        Old = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-60), now.AddDays(30));
        New = TestCertificates.SelfSigned(["xmpp.hosting.test"], now.AddDays(-1), now.AddDays(89));
        TestCertificates.WritePem(Old, Tenants.Combine("deployed/xmpp.pem"), Tenants.Combine("deployed/xmpp.key"));
        Tenants.WriteSets($"""
            default:
              certificates:
                - deployed/xmpp.pem
              next: renewed/xmpp.pem
              next_key: renewed/xmpp.key
              deploy:
                certificate: deployed/xmpp.pem
                key: deployed/xmpp.key
                automatic: true
                margin: 60
                reload: [sh, -c, "echo ran >> {ReloadLog}"]
            """);
        Tenants.WriteTenant("a.yaml", "domain: a.test\nexpires: 60\n");
        Tenants.WriteTenant("b.yaml", "domain: b.test\nexpires: 60\n");
    }

    public PostgreSqlServer PostgreSql { get; }

    public TenantWorld Tenants { get; } = new(withDefaultSet: false);

    public string ReloadLog => Tenants.Combine("reloads.log");

    public X509Certificate2 Old { get; }

    public X509Certificate2 New { get; }

    public string NewSha256 => Convert.ToBase64String(New.GetCertHash(HashAlgorithmName.SHA256));

    public string EncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public IReadOnlyList<ClusterReplica> Replicas => _replicas;

    /// <summary>The store as a replica sees it, for the test's reads.</summary>
    public PostgreSqlClusterStore Store => _store ??= new PostgreSqlClusterStore(
        Options.Create(new ClusterOptions { Store = ClusterStoreKind.PostgreSql, ConnectionString = PostgreSql.ConnectionString, EncryptionKey = EncryptionKey, ReplicaName = "test" }),
        TimeProvider.System,
        NullLogger<PostgreSqlClusterStore>.Instance);

    public static IPAddress ReplicaAddress(int index) => IPAddress.Parse($"127.0.62.{index + 1}");

    public static async Task<ClusterRotationWorld> StartAsync(params string[] extraArguments) =>
        new(await PostgreSqlServer.StartAsync(IPAddress.Parse("127.0.62.200")), extraArguments);

    public async Task StartReplicasAsync(int count)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var replica = await ClusterReplica.StartWithoutAcmeAsync(PostgreSql, EncryptionKey, Tenants.Path, $"replica-{i + 1}", ReplicaAddress(i), ["--Tenants:DefaultExpires=60", .. _extraArguments]);
            lock (_replicas)
            {
                _replicas.Add(replica);
            }
        }));
        _replicas.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>The renewal tool writes the new certificate and key into the next slot.</summary>
    public void WriteNext() => TestCertificates.WritePem(New, Tenants.Combine("renewed/xmpp.pem"), Tenants.Combine("renewed/xmpp.key"));

    /// <summary>How often the reload command ran, on any replica.</summary>
    public int ReloadRuns() => File.Exists(ReloadLog) ? File.ReadAllLines(ReloadLog).Length : 0;

    /// <summary>When <paramref name="replica"/> started publishing the new certificate, from its record in the store; null if it does not.</summary>
    public async Task<DateTimeOffset?> PublishedSinceAsync(string replica)
    {
        if (await Store.GetAsync($"rotation/publications/{replica}.json") is not { } item)
        {
            return null;
        }

        using var record = JsonDocument.Parse(item.Value);
        return record.RootElement.GetProperty("sets").TryGetProperty("default", out var set) && set.TryGetProperty(NewSha256, out var since)
            ? since.GetDateTimeOffset()
            : null;
    }

    public static async Task<JsonDocument> StatusAsync(ClusterReplica replica)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{replica.Address}:{replica.AdminPort}/api/status")));
    }

    /// <summary>The default set's rotation as <paramref name="replica"/>'s status shows it (an empty object before its first evaluation).</summary>
    public static async Task<JsonElement> RotationAsync(ClusterReplica replica)
    {
        using var status = await StatusAsync(replica);
        foreach (var set in status.RootElement.GetProperty("rotation").EnumerateArray())
        {
            if (set.GetProperty("set").GetString() == "default")
            {
                return set.Clone();
            }
        }

        using var empty = JsonDocument.Parse("{\"phase\":\"\"}");
        return empty.RootElement.Clone();
    }

    public string Diagnostics() =>
        string.Join('\n', _replicas.Select(r => $"--- {r.Name} ---\n{Tail(r.Output)}")) + $"\n--- postgresql ---\n{Tail(PostgreSql.Output)}";

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await PostgreSql.DisposeAsync();
        Tenants.Dispose();
        Old.Dispose();
        New.Dispose();
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;
}
