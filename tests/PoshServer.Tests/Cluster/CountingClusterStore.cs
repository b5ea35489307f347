using Microsoft.Extensions.Primitives;
using PoshServer.Cluster;

namespace PoshServer.Tests.Cluster;

/// <summary>A real store that counts the reads made through it, and says it is shared (so features take their cluster paths).</summary>
internal sealed class CountingClusterStore(IClusterStore inner) : IClusterStore
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public string ReplicaName => inner.ReplicaName;

    public bool IsShared => true;

    public string? LastError => inner.LastError;

    public Task<ClusterItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<IReadOnlyList<ClusterItem>> ListAsync(string prefix, string? suffix = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return inner.ListAsync(prefix, suffix, cancellationToken);
    }

    public Task PutAsync(IReadOnlyList<ClusterWrite> writes, IClusterLock? fence = null, CancellationToken cancellationToken = default) =>
        inner.PutAsync(writes, fence, cancellationToken);

    public Task<ClusterItem> AddOrGetAsync(ClusterWrite write, CancellationToken cancellationToken = default) => inner.AddOrGetAsync(write, cancellationToken);

    public Task<IClusterLock?> TryLockAsync(string name, CancellationToken cancellationToken = default) => inner.TryLockAsync(name, cancellationToken);

    public Task PublishHeartbeatAsync(ReplicaHeartbeat heartbeat, CancellationToken cancellationToken = default) => inner.PublishHeartbeatAsync(heartbeat, cancellationToken);

    public Task<IReadOnlyList<ReplicaHeartbeat>> ListReplicasAsync(CancellationToken cancellationToken = default) => inner.ListReplicasAsync(cancellationToken);

    public IChangeToken GetChangeToken() => inner.GetChangeToken();
}
