using System.Text.Json;
using PoshServer.Cluster;

namespace PoshServer.TenantChecks;

/// <summary>
/// The latest round of checks in the cluster store, so that one replica per interval runs the checks (under the
/// <c>checks/round</c> lease) and every replica's status shows the same verdicts. With files nothing is stored: the
/// single server keeps its results in memory as before.
/// </summary>
internal sealed class TenantCheckRoundStore(IClusterStore store, TenantCheckResults results)
{
    public const string Key = "checks/round.json";
    public const string LockName = "checks/round";
    private long _version = -1;

    public bool IsShared => store.IsShared;

    /// <summary>Brings in the stored round if it changed since the last look; returns it (null when none is stored).</summary>
    public async Task<TenantCheckRound?> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(Key, cancellationToken) is not { } item)
        {
            return null;
        }

        var round = JsonSerializer.Deserialize(item.Value, TenantChecksJsonContext.Default.TenantCheckRound);
        if (round is not null && Interlocked.Exchange(ref _version, item.Version) != item.Version)
        {
            results.Replace(round.Results, round.CompletedAt);
        }

        return round;
    }

    public Task<IClusterLock?> TryLockAsync(CancellationToken cancellationToken = default) => store.TryLockAsync(LockName, cancellationToken);

    /// <summary>Stores this replica's round, refused unless <paramref name="fence"/> (the round lease) is still held.</summary>
    public Task SaveAsync(DateTimeOffset completedAt, IClusterLock fence, CancellationToken cancellationToken = default)
    {
        var round = new TenantCheckRound { CompletedAt = completedAt, Replica = store.ReplicaName, Results = results.All };
        return store.PutAsync([ClusterWrite.Put(Key, JsonSerializer.SerializeToUtf8Bytes(round, TenantChecksJsonContext.Default.TenantCheckRound))], fence, cancellationToken);
    }
}
