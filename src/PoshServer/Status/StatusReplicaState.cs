using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.Status;

/// <summary>
/// The tenant part of this replica's heartbeat: its snapshot generation, when it was built, and a digest of every
/// document and reference it serves, so replicas serving the same tenants agree whatever their generation counters.
/// <para>
/// The digest is a sum (mod 2^64) of one hash per tenant, so it does not depend on order and follows a change by
/// subtracting the old tenant's hash and adding the new one. A digest over the sorted tenants cost a sort and a hash
/// of every document on every snapshot, a fifth of the CPU of a 100,000-tenant server reloading (issue 9;
/// bench/results/profile-100k-reload-*.txt); now a watcher's change costs its tenants, and a rebuilt catalog one
/// pass over the tenants, without a sort.
/// </para>
/// </summary>
internal sealed class StatusReplicaState : IReplicaStateContributor, IDisposable
{
    private readonly TenantStore _store;
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private (TenantSnapshot Snapshot, ulong Sum)? _last;

    public StatusReplicaState(TenantStore store)
    {
        _store = store;
        // Every swap is followed as it happens (on the reload's thread), so each step is one snapshot to the next and
        // costs the changed tenants; sampled only at heartbeats, several swaps between two would need a full pass.
        _subscription = ChangeToken.OnChange(store.GetReloadToken, () => Digest(_store.Current));
    }

    public void Dispose() => _subscription.Dispose();

    public ReplicaHeartbeat Contribute(ReplicaHeartbeat heartbeat)
    {
        var snapshot = _store.Current;
        return heartbeat with { TenantGeneration = snapshot.Generation, TenantSnapshotBuiltAt = snapshot.BuiltAt, TenantDigest = Digest(snapshot) };
    }

    private string Digest(TenantSnapshot snapshot)
    {
        lock (_gate)
        {
            var sum = Sum(snapshot);
            _last = (snapshot, sum);
            return sum.ToString("x16", CultureInfo.InvariantCulture);
        }
    }

    private ulong Sum(TenantSnapshot snapshot)
    {
        if (_last is not { } last)
        {
            return SumAll(snapshot);
        }

        if (ReferenceEquals(last.Snapshot, snapshot))
        {
            return last.Sum;
        }

        if (snapshot.ChangedSince(last.Snapshot) is not { } changed)
        {
            return SumAll(snapshot);
        }

        var sum = last.Sum;
        foreach (var domain in changed)
        {
            if (last.Snapshot.Tenants.TryGetValue(domain, out var before))
            {
                sum -= Hash(before);
            }

            if (snapshot.Tenants.TryGetValue(domain, out var after))
            {
                sum += Hash(after);
            }
        }

        return sum;
    }

    private static ulong SumAll(TenantSnapshot snapshot)
    {
        var sum = 0UL;
        foreach (var entry in snapshot.Tenants.Values)
        {
            sum += Hash(entry);
        }

        return sum;
    }

    /// <summary>
    /// What decides a tenant's bytes: its domain, whether it is disabled, its document (by its ETag, a hash of the
    /// bytes) and, since references are written on first request, what decides theirs (services and their expiry).
    /// Hashed as the UTF-8 of <c>"{domain}\n{disabled}\n{etag}\n{services, comma-separated}\n{referenceExpires}\n"</c>,
    /// written straight into a buffer: the first swap hashes every tenant, and at start-up that is before the server
    /// is ready (building the text as a string cost 0.5 s of a 100,000-tenant start).
    /// </summary>
    private static ulong Hash(TenantEntry entry)
    {
        var tenant = entry.Tenant;
        var etag = entry.Document?.ETag ?? string.Empty;
        var most = Encoding.UTF8.GetMaxByteCount(tenant.Domain.Length + etag.Length) + 64 + (tenant.Services.Length * 16);
        var large = most > 1024 ? new byte[most] : null;
        Span<byte> text = large ?? stackalloc byte[1024];
        var length = Encoding.UTF8.GetBytes(tenant.Domain, text);
        text[length++] = (byte)'\n';
        length += Encoding.UTF8.GetBytes(tenant.Disabled ? "True" : "False", text[length..]);
        text[length++] = (byte)'\n';
        length += Encoding.UTF8.GetBytes(etag, text[length..]);
        text[length++] = (byte)'\n';
        for (var i = 0; i < tenant.Services.Length; i++)
        {
            if (i > 0)
            {
                text[length++] = (byte)',';
            }

            // The member's name, as string.Join wrote it before: the digest must not change between versions.
            length += Encoding.UTF8.GetBytes(Enum.GetName(tenant.Services[i]) ?? tenant.Services[i].ToString(), text[length..]);
        }

        text[length++] = (byte)'\n';
        tenant.ReferenceExpires.TryFormat(text[length..], out var written, provider: CultureInfo.InvariantCulture);
        length += written;
        text[length++] = (byte)'\n';
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text[..length], hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
