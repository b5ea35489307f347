using System.Globalization;
using Npgsql;
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

    [Fact]
    public async Task LockHolderKilledMidOrder_AnotherReplicaFinishesIt_NoDuplicateOrder()
    {
        // Arrange: Pebble waits a random few seconds before validating, so orders stay in flight long enough to kill.
        string[] names = ["k1.cluster.test", "k2.cluster.test", "k3.cluster.test"];
        await using var world = await ClusterWorld.StartAsync(names, new Dictionary<string, string>(StringComparer.Ordinal) { ["PEBBLE_VA_NOSLEEP"] = "0" });
        // Validation always lands on replica-3, which is never the one killed (a load balancer would route around a dead one).
        await world.StartReplicasAsync(3, validatedBy: _ => 2);
        (string Name, string Owner)? victim = null;
        await ClusterWait.UntilAsync(
            async () => (victim = await LockedWithPendingOrderAsync(world)) is not null && victim.Value.Owner != "replica-3",
            "a replica holds a name's lock with its order recorded",
            TimeSpan.FromMinutes(2),
            world.Diagnostics);

        // Act: SIGKILL the holder in the middle of its order.
        var holder = world.Replicas.Single(r => r.Name == victim!.Value.Owner);
        await holder.KillAsync();
        var survivors = world.Replicas.Where(r => r != holder).ToArray();

        await ClusterWait.UntilAsync(
            async () =>
            {
                var policy = world.Pebble.CreateIssuedChainPolicy();
                foreach (var replica in survivors)
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
            },
            "the surviving replicas serve every name",
            TimeSpan.FromMinutes(3),
            world.Diagnostics);

        // Assert: the killed replica's order was finished by another, not ordered again.
        var orders = await world.OrdersAtPebbleAsync();
        Assert.Equal(names, orders.Select(o => o.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.All(orders, o => Assert.Equal("valid", o.Status));
    }

    private static async Task<(string Name, string Owner)?> LockedWithPendingOrderAsync(ClusterWorld world)
    {
        await using var connection = new NpgsqlConnection(world.PostgreSql.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT substr(l.name, 6), l.owner FROM posh_locks l
            JOIN posh_items i ON i.key = 'acme/names/' || substr(l.name, 6) || '/state.json'
            WHERE l.expires_at > now() AND l.name LIKE 'acme/%' AND l.owner <> 'replica-3' AND convert_from(i.value, 'UTF8') LIKE '%pendingOrderUrl%'
            LIMIT 1
            """,
            connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? (reader.GetString(0), reader.GetString(1)) : null;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
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
