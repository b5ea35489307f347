using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PoshServer.Tests.Acme;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10, cluster status: failure reports and replicas seen from every replica.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class ClusterStatusTests
{
    [Fact]
    public async Task FailureReportPostedToOneReplica_ShowsOnEveryReplicasStatusWithEveryReplicaListed()
    {
        // Arrange
        await using var world = await ClusterWorld.StartAsync([]);
        world.Tenants.WriteTenant("alpha.example.yaml", "domain: alpha.example\nservices:\n  - xmpp-client\n");
        await world.StartReplicasAsync(3);

        // Act
        using (var client = Client(world.Replicas[0]))
        using (var posted = await client.PostAsync(
            new Uri("https://posh.cluster.test/posh-reports"),
            new StringContent("""{"domain":"alpha.example","service":"xmpp-client","outcome":"Mismatch","presentedSha256":"AAAA"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        // Assert
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(
                async () =>
                {
                    using var status = await StatusAsync(replica);
                    var reports = status.RootElement.GetProperty("failureReports");
                    var replicas = status.RootElement.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToArray();
                    return reports.GetArrayLength() == 1 && reports[0].GetProperty("domain").GetString() == "alpha.example"
                        && reports[0].GetProperty("count").GetInt32() == 1 && replicas.SequenceEqual(["replica-1", "replica-2", "replica-3"]);
                },
                $"{replica.Name}'s status shows the report and all three replicas",
                TimeSpan.FromSeconds(60),
                world.Diagnostics);
        }
    }

    [Fact]
    public async Task ReplicaWithStaleTenantsDirectory_IsFlaggedOnEveryReplicasStatus()
    {
        // Arrange: replica-3 reads its own copy of the tenants, which stops following the others' changes.
        await using var world = await ClusterWorld.StartAsync([]);
        world.Tenants.WriteTenant("alpha.example.yaml", "domain: alpha.example\nservices:\n  - xmpp-client\nexpires: 3600\n");
        using var stale = new TenantWorld();
        stale.WriteTenant("alpha.example.yaml", "domain: alpha.example\nservices:\n  - xmpp-client\nexpires: 3600\n");
        await world.StartReplicasAsync(3, validatedBy: null, extraArguments: []);
        await world.Replicas[2].KillAsync();
        var staleReplica = await ClusterReplica.StartAsync(world, "replica-3", ClusterWorld.ReplicaAddress(2), [$"--Tenants:Directory={stale.Path}"]);
        await using var _ = staleReplica;

        // Act: the shared tenants change; only replicas 1 and 2 see it.
        world.Tenants.WriteAtomically("alpha.example.yaml", "domain: alpha.example\nservices:\n  - xmpp-client\nexpires: 7200\n");

        // Assert
        foreach (var replica in new[] { world.Replicas[0], world.Replicas[1], staleReplica })
        {
            await ClusterWait.UntilAsync(
                async () =>
                {
                    using var status = await StatusAsync(replica);
                    var flagged = status.RootElement.GetProperty("replicas").EnumerateArray()
                        .Where(r => r.GetProperty("servesOlderTenants").GetBoolean()).Select(r => r.GetProperty("name").GetString()).ToArray();
                    return flagged.SequenceEqual(["replica-3"]);
                },
                $"{replica.Name}'s status flags replica-3 (and only it)",
                TimeSpan.FromSeconds(60),
                world.Diagnostics);
        }
    }

    private static async Task<JsonDocument> StatusAsync(ClusterReplica replica)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{replica.Address}:{replica.AdminPort}/api/status")));
    }

    private static HttpClient Client(ClusterReplica replica)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(replica.Address, replica.HttpsPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }
}
