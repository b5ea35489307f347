using System.Security.Cryptography;
using System.Text;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.Status;

/// <summary>
/// The tenant part of this replica's heartbeat: its snapshot generation, when it was built, and a digest of every
/// document and reference it serves, so replicas serving the same tenants agree whatever their generation counters.
/// </summary>
internal sealed class StatusReplicaState(TenantStore store) : IReplicaStateContributor
{
    private (TenantSnapshot Snapshot, string Digest)? _last;

    public ReplicaHeartbeat Contribute(ReplicaHeartbeat heartbeat)
    {
        var snapshot = store.Current;
        return heartbeat with { TenantGeneration = snapshot.Generation, TenantSnapshotBuiltAt = snapshot.BuiltAt, TenantDigest = Digest(snapshot) };
    }

    private string Digest(TenantSnapshot snapshot)
    {
        if (_last is { } last && ReferenceEquals(last.Snapshot, snapshot))
        {
            return last.Digest;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in snapshot.Tenants.Values.OrderBy(e => e.Tenant.Domain, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(entry.Tenant.Domain + "\n" + entry.Tenant.Disabled + "\n"));
            if (entry.Document is { } document)
            {
                hash.AppendData(document.Body);
            }

            // References are written on first request; what decides their bytes (services and their expiry) is hashed
            // instead, so the digest never makes every tenant's reference.
            hash.AppendData(Encoding.UTF8.GetBytes("\n" + string.Join(',', entry.Tenant.Services) + "\n" + entry.Tenant.ReferenceExpires + "\n"));
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        _last = (snapshot, digest);
        return digest;
    }
}
