using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PoshServer.Tests.Acme;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10, faults: PostgreSQL unreachable for a while.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class ClusterFaultTests
{
    [Fact]
    public async Task PostgreSqlStopped_ReplicasKeepServingAndAnsweringChallenges_ThenCatchUp()
    {
        // Arrange: three replicas serving two tenants with ACME certificates.
        string[] names = ["t1.cluster.test", "t2.cluster.test"];
        await using var world = await ClusterWorld.StartAsync([]);
        foreach (var name in names)
        {
            world.Tenants.WriteTenant(name + ".yaml", Tenant(name));
            await world.Pebble.MapHostAsync(name, ClusterWorld.ReplicaAddress(1));
        }

        await world.StartReplicasAsync(3);
        await ClusterWait.UntilAsync(() => ClusterAcmeTests.EveryReplicaServesAsync(world, names), "every replica serves both tenants", TimeSpan.FromMinutes(3), world.Diagnostics);

        // Act: requests to every replica all along, while PostgreSQL is down for a while.
        using var stop = new CancellationTokenSource();
        var load = world.Replicas.Select(replica => LoadAsync(world, replica, names, stop.Token)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await world.PostgreSql.StopServerAsync();

        // While it is down: a new tenant needs a certificate (it must wait), every replica says Degraded, answers challenges.
        world.Tenants.WriteTenant("t3.cluster.test.yaml", Tenant("t3.cluster.test"));
        await world.Pebble.MapHostAsync("t3.cluster.test", ClusterWorld.ReplicaAddress(0));
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(async () => await HealthAsync(replica) == "Degraded", $"{replica.Name} reports Degraded", TimeSpan.FromSeconds(60), world.Diagnostics);
            Assert.Equal(HttpStatusCode.OK, await ChallengeStatusAsync(world, replica));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        await world.PostgreSql.StartServerAsync();
        string[] all = [.. names, "t3.cluster.test"];
        await ClusterWait.UntilAsync(() => ClusterAcmeTests.EveryReplicaServesAsync(world, all), "every replica serves the tenant added during the outage", TimeSpan.FromMinutes(3), world.Diagnostics);
        foreach (var replica in world.Replicas)
        {
            await ClusterWait.UntilAsync(async () => await HealthAsync(replica) == "Healthy", $"{replica.Name} is Healthy again", TimeSpan.FromSeconds(60), world.Diagnostics);
        }

        await stop.CancelAsync();
        var results = await Task.WhenAll(load);

        // Assert: not one failed request on any replica, and still one order per name.
        Assert.All(results, r => Assert.True(r.Succeeded > 0 && r.Failed == 0, $"{r.Succeeded} succeeded, {r.Failed} failed: {r.LastError}"));
        var orders = await world.OrdersAtPebbleAsync();
        Assert.Equal(all, orders.Select(o => o.Name).Order(StringComparer.Ordinal).ToArray());
    }

    private static string Tenant(string name) => $"""
        domain: {name}
        services:
          - xmpp-client
        acme: true
        """;

    private static async Task<(int Succeeded, int Failed, string? LastError)> LoadAsync(ClusterWorld world, ClusterReplica replica, string[] names, CancellationToken cancellationToken)
    {
        var policy = world.Pebble.CreateIssuedChainPolicy();
        using var client = Client(replica, (_, certificate, chain, errors) =>
        {
            if (certificate is null || chain is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                return false;
            }

            using var custom = new X509Chain { ChainPolicy = policy.Clone() };
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return custom.Build(leaf);
        });
        var (succeeded, failed, lastError) = (0, 0, (string?)null);
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"https://{names[i % names.Length]}/.well-known/posh/xmpp-client.json"), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    succeeded++;
                }
                else
                {
                    (failed, lastError) = (failed + 1, $"HTTP {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException ex)
            {
                (failed, lastError) = (failed + 1, ex.Message);
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return (succeeded, failed, lastError);
    }

    private static async Task<string> HealthAsync(ClusterReplica replica)
    {
        using var client = Client(replica, (_, _, _, _) => true);
        return Health.HealthJson.Status(await client.GetStringAsync(new Uri("https://posh.cluster.test/healthz"))) ?? string.Empty;
    }

    private static async Task<HttpStatusCode> ChallengeStatusAsync(ClusterWorld world, ClusterReplica replica)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://{replica.Address}:{world.Pebble.HttpPort}/.well-known/acme-challenge/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        return response.StatusCode;
    }

    private static HttpClient Client(ClusterReplica replica, RemoteCertificateValidationCallback validate)
    {
        var handler = new SocketsHttpHandler
        {
            // New connections (and handshakes) all the time, so certificate selection is exercised during the outage.
            PooledConnectionLifetime = TimeSpan.FromMilliseconds(200),
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(replica.Address, replica.HttpsPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = validate;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }
}
