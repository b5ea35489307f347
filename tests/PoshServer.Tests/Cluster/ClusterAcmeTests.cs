using System.Globalization;
using Npgsql;
using PoshServer.Tests.Acme;

namespace PoshServer.Tests.Cluster;

/// <summary>Issue 10: replicas sharing ACME through PostgreSQL, against the real Pebble with real http-01.</summary>
[Collection(PebbleTestGroup.Name)]
public sealed class ClusterAcmeTests
{
    /// <summary>
    /// 20 names in CI. bench/cluster.sh runs the same test with POSH_BENCH_CLUSTER_NAMES=1000 and POSH_BENCH_RESULTS
    /// set, and this writes the time to full coverage and each replica's memory there (no assertion on time).
    /// </summary>
    [Fact]
    public async Task ThreeReplicas_ManyNames_OneOrderPerNameAndEveryReplicaServesAll()
    {
        // Arrange: names spread over the three replicas' addresses, so validation lands anywhere.
        var count = int.TryParse(Environment.GetEnvironmentVariable("POSH_BENCH_CLUSTER_NAMES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 20;
        var names = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"n{i:0000}.cluster.test")).ToArray();
        await using var world = await ClusterWorld.StartAsync(names, new Dictionary<string, string>(StringComparer.Ordinal) { ["PEBBLE_AUTHZREUSE"] = "100" });

        // Act
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await world.StartReplicasAsync(3);
        await ClusterWait.UntilAsync(
            async () => (await Task.WhenAll(world.Replicas.Select(ServedCountAsync))).All(served => served == count),
            $"every replica serves all {count} names",
            TimeSpan.FromMinutes(30),
            world.Diagnostics);
        var coverage = stopwatch.Elapsed;
        var memory = world.Replicas.Select(r => (r.Name, Rss: ProcStatus(r.ProcessId!.Value, "VmRSS"), Peak: ProcStatus(r.ProcessId!.Value, "VmHWM"))).ToArray();

        // Assert: every replica serves every name by SNI, and the CA has exactly one order per name.
        Assert.True(await EveryReplicaServesAsync(world, names), world.Diagnostics());
        var orders = await world.OrdersAtPebbleAsync();
        Assert.Equal(names, orders.Select(o => o.Name).Order(StringComparer.Ordinal).ToArray());
        if (Environment.GetEnvironmentVariable("POSH_BENCH_RESULTS") is { Length: > 0 } results)
        {
            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"names={count} replicas=3 orders={orders.Count} distinct={orders.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count()}"),
                string.Create(CultureInfo.InvariantCulture, $"coverage_seconds={coverage.TotalSeconds:0.0} (replicas started to every replica serving every name; includes process start-up, polled every 0.5 s)"),
            };
            lines.AddRange(memory.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Name} rss_kb={m.Rss} peak_rss_kb={m.Peak}")));
            await File.WriteAllLinesAsync(results, lines);
        }
    }

    /// <summary>How many ACME names a replica says it serves (its own entry in /api/status).</summary>
    private static async Task<int> ServedCountAsync(ClusterReplica replica)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var status = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://{replica.Address}:{replica.AdminPort}/api/status")));
        return status.RootElement.GetProperty("replicas").EnumerateArray()
            .Where(r => r.GetProperty("self").GetBoolean())
            .Select(r => r.GetProperty("certificates").EnumerateObject().Count())
            .Single();
    }

    private static long ProcStatus(int pid, string field) =>
        long.Parse(
            File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);

    [Fact]
    public async Task LockHolderKilledMidOrder_AnotherReplicaFinishesIt_NoDuplicateOrder()
    {
        // Arrange: Pebble waits a random 0-15 s before validating, so orders stay in flight long enough to kill; six
        // names make it all but certain that a replica other than replica-3 holds one while its order is pending
        // (with three, all of them were once taken by replica-3 or validated at once).
        string[] names = ["k1.cluster.test", "k2.cluster.test", "k3.cluster.test", "k4.cluster.test", "k5.cluster.test", "k6.cluster.test"];
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
