using Microsoft.Extensions.Primitives;

namespace PoshServer.Cluster;

/// <summary>
/// The state replicas share (ACME account, certificates, keys and per-name state, rotation state, failure reports,
/// tenant check results), as items under slash-separated keys, plus locks and a heartbeat per replica. Files keep
/// today's single-server layout; PostgreSQL makes a cluster. Features use this interface only: neither files nor
/// Npgsql leak out of the implementations. Transport failures surface as <see cref="ClusterStoreException"/>.
/// </summary>
internal interface IClusterStore
{
    /// <summary>This replica's name (<c>Cluster:ReplicaName</c>).</summary>
    string ReplicaName { get; }

    /// <summary>Whether other replicas see what this one writes (false for files).</summary>
    bool IsShared { get; }

    /// <summary>Null until the first failure; the latest failure while the store is unreachable.</summary>
    string? LastError { get; }

    Task<ClusterItem?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every item whose key starts with <paramref name="prefix"/> (and ends with <paramref name="suffix"/>), ordered by key.</summary>
    Task<IReadOnlyList<ClusterItem>> ListAsync(string prefix, string? suffix = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies the writes in order, all or nothing where the store can (PostgreSQL: one transaction). With a
    /// <paramref name="fence"/>, nothing is written unless that lock is still held (a lease that expired while this
    /// replica was cut off fails with <see cref="ClusterLockLostException"/>).
    /// </summary>
    Task PutAsync(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence = null, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="write"/> unless the key exists; returns what is stored (so concurrent creators agree).</summary>
    Task<ClusterItem> AddOrGetAsync(ClusterWrite write, CancellationToken cancellationToken = default);

    /// <summary>Takes the named lock, or returns null at once when another holder has it.</summary>
    Task<IClusterLock?> TryLockAsync(string name, CancellationToken cancellationToken = default);

    Task PublishHeartbeatAsync(ReplicaHeartbeat heartbeat, CancellationToken cancellationToken = default);

    /// <summary>Every replica that ever sent a heartbeat, with the store's time of its latest one.</summary>
    Task<IReadOnlyList<ReplicaHeartbeat>> ListReplicasAsync(CancellationToken cancellationToken = default);

    /// <summary>Fires when another replica changed something (a notification or the reconnect after an outage).</summary>
    IChangeToken GetChangeToken();
}
