using System.Globalization;
using PoshServer.Tests.Acme;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10: replicas sharing ACME through PostgreSQL, against the real Pebble with real http-01.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class ClusterAcmeTests
{
    [Fact]
    public async Task ThreeReplicas_TwentyNames_OneOrderPerNameAndEveryReplicaServesAll()
    {
        // Arrange: names spread over the three replicas' addresses, so validation lands anywhere.
        var names = Enumerable.Range(0, 20).Select(i => string.Create(CultureInfo.InvariantCulture, $"n{i:00}.cluster.test")).ToArray();
        await using var world = await ClusterWorld.StartAsync(names);

        // Act
        await world.StartReplicasAsync(3);
        await ClusterWait.UntilAsync(() => EveryReplicaServesAsync(world, names), "every replica serves all 20 names", TimeSpan.FromMinutes(4), world.Diagnostics);

        // Assert: exactly one order per name at the CA, whichever replica ordered or was validated.
        var orders = await world.OrdersAtPebbleAsync();
        Assert.Equal(names, orders.Select(o => o.Name).Order(StringComparer.Ordinal).ToArray());
    }

    internal static async Task<bool> EveryReplicaServesAsync(ClusterWorld world, IReadOnlyList<string> names)
    {
        var policy = world.Pebble.CreateIssuedChainPolicy();
        foreach (var replica in world.Replicas)
        {
            foreach (var name in names)
            {
                using var served = await replica.FetchValidatedCertificateAsync(name, policy);
                if (served is null)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
