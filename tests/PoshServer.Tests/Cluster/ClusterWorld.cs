using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoshServer.Acme;
using PoshServer.Cluster;
using PoshServer.Cluster.PostgreSql;
using PoshTesting;

namespace PoshServer.Tests.Cluster;

/// <summary>
/// PostgreSQL, Pebble (real http-01) and N PoshServer replicas as processes on 127.0.54.1..N, sharing one cluster
/// store. ACME names are spread over the replicas' addresses in Pebble's DNS, so validation lands on a replica
/// whichever one ordered. The test side reads the store (and the account's orders at Pebble) through the product's
/// own store and ACME client.
/// </summary>
internal sealed class ClusterWorld : IAsyncDisposable
{
    private readonly List<ClusterReplica> _replicas = [];
    private readonly TenantWorld _tenants = new();
    private PostgreSqlClusterStore? _store;

    private ClusterWorld(PostgreSqlServer postgreSql, PebbleServer pebble, IReadOnlyList<string> acmeNames)
    {
        PostgreSql = postgreSql;
        Pebble = pebble;
        AcmeNames = acmeNames;
    }

    public PostgreSqlServer PostgreSql { get; }

    public PebbleServer Pebble { get; }

    public IReadOnlyList<string> AcmeNames { get; }

    public string EncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string TenantsDirectory => _tenants.Path;

    /// <summary>The tenants directory every replica serves (the same files, as a shared volume would give them).</summary>
    public TenantWorld Tenants => _tenants;

    public IReadOnlyList<ClusterReplica> Replicas => _replicas;

    /// <summary>The store as a replica sees it, for the test's reads (and its own heartbeat-free writes).</summary>
    public PostgreSqlClusterStore Store => _store ??= new PostgreSqlClusterStore(
        Options.Create(new ClusterOptions { Store = ClusterStoreKind.PostgreSql, ConnectionString = PostgreSql.ConnectionString, EncryptionKey = EncryptionKey, ReplicaName = "test" }),
        TimeProvider.System,
        NullLogger<PostgreSqlClusterStore>.Instance);

    public static IPAddress ReplicaAddress(int index) => IPAddress.Parse($"127.0.54.{index + 1}");

    public static async Task<ClusterWorld> StartAsync(IReadOnlyList<string> acmeNames, IReadOnlyDictionary<string, string>? pebbleEnvironment = null)
    {
        var postgreSql = await PostgreSqlServer.StartAsync(IPAddress.Parse("127.0.54.200"));
        PebbleServer? pebble = null;
        try
        {
            pebble = await PebbleServer.StartAsync(environment: new Dictionary<string, string>(pebbleEnvironment ?? new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal)
            {
                ["PEBBLE_WFE_ORDERS_PER_PAGE"] = "50",
            });
            return new ClusterWorld(postgreSql, pebble, acmeNames);
        }
        catch
        {
            if (pebble is not null)
            {
                await pebble.DisposeAsync();
            }

            await postgreSql.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <paramref name="count"/> replicas and maps the ACME names round-robin onto their addresses.</summary>
    public Task StartReplicasAsync(int count, params string[] extraArguments) => StartReplicasAsync(count, validatedBy: null, extraArguments);

    /// <summary>Starts <paramref name="count"/> replicas; <paramref name="validatedBy"/> picks the replica index whose address each name resolves to.</summary>
    public async Task StartReplicasAsync(int count, Func<int, int>? validatedBy, params string[] extraArguments)
    {
        for (var i = 0; i < AcmeNames.Count; i++)
        {
            await Pebble.MapHostAsync(AcmeNames[i], ReplicaAddress(validatedBy?.Invoke(i) ?? i % count));
        }

        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var replica = await ClusterReplica.StartAsync(this, $"replica-{i + 1}", ReplicaAddress(i), extraArguments);
            lock (_replicas)
            {
                _replicas.Add(replica);
            }
        }));
        _replicas.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>Every order the shared account has at Pebble, as (order URL, name, status).</summary>
    public async Task<IReadOnlyList<(Uri Url, string Name, string Status)>> OrdersAtPebbleAsync()
    {
        using var storage = new AcmeStorage(Store);
        using var client = new AcmeClient(
            Options.Create(new AcmeOptions { DirectoryUrl = Pebble.DirectoryUrl, TrustedRootPath = Pebble.TlsRootPemPath, AcceptTermsOfService = true, BadNonceRetries = 25 }),
            storage,
            TimeProvider.System,
            NullLogger<AcmeClient>.Instance);
        var orders = new List<(Uri, string, string)>();
        foreach (var url in await client.ListOrdersAsync(maxPages: 1000))
        {
            var order = await client.PostAsync(url, [], AcmeJsonContext.Default.AcmeOrder);
            orders.Add((url, string.Join(',', order.Identifiers.Select(i => i.Value)), order.Status));
        }

        return orders;
    }

    /// <summary>The stored state of every name, read from PostgreSQL.</summary>
    public async Task<IReadOnlyList<AcmeNameState>> StatesAsync()
    {
        using var storage = new AcmeStorage(Store);
        return await storage.LoadAllStatesAsync();
    }

    public string Diagnostics() =>
        string.Join('\n', _replicas.Select(r => $"--- {r.Name} ---\n{Tail(r.Output)}")) + $"\n--- pebble ---\n{Tail(Pebble.Output)}\n--- postgresql ---\n{Tail(PostgreSql.Output)}";

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

        await Pebble.DisposeAsync();
        await PostgreSql.DisposeAsync();
        _tenants.Dispose();
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;
}
