using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshServer.Cluster;
using PoshServer.FailureReports;
using PoshServer.Rotation;
using PoshServer.TenantChecks;
using PoshServer.Tenants;

namespace PoshServer.Status;

/// <summary>Assembles the status report from the state each feature already keeps.</summary>
internal sealed class StatusReportBuilder(
    TenantStore store,
    RotationCoordinator rotation,
    TenantCheckResults checks,
    StatusTenantChanges changes,
    FailureReportStore reports,
    IClusterStore cluster,
    ClusterHeartbeatService heartbeat,
    IOptions<ClusterOptions> clusterOptions,
    IOptions<TenantChecksOptions> checkOptions,
    TimeProvider timeProvider)
{
    /// <summary>The report, with other replicas' failure reports and heartbeats when the cluster store answers.</summary>
    public async Task<StatusReport> BuildAsync(CancellationToken cancellationToken = default)
    {
        await reports.RefreshAsync(cancellationToken);
        IReadOnlyList<ReplicaHeartbeat> heartbeats;
        try
        {
            heartbeats = await cluster.ListReplicasAsync(cancellationToken);
        }
        catch (ClusterStoreException)
        {
            heartbeats = [];
        }

        return Build() with { Replicas = Replicas(heartbeats), ClusterError = cluster.LastError };
    }

    public StatusReport Build()
    {
        var snapshot = store.Current;
        return new StatusReport
        {
            GeneratedAt = timeProvider.GetUtcNow(),
            Generation = snapshot.Generation,
            SnapshotBuiltAt = snapshot.BuiltAt,
            LoadErrors = store.LastResult is { } last ? [.. last.Errors.Select(e => e.ToString())] : [],
            ChecksCompletedAt = checks.LastRound,
            ChecksSchedule = checkOptions.Value.Schedule,
            Tenants = [.. snapshot.Tenants.Values.OrderBy(t => t.Tenant.Domain, StringComparer.Ordinal).Select(t => Tenant(snapshot, t))],
            Sets = [.. snapshot.Sets.Values.OrderBy(s => s.Set.Name, StringComparer.Ordinal).Select(s => new StatusSet
            {
                Name = s.Set.Name,
                Description = s.Set.Description,
                Tenants = snapshot.Tenants.Values.Count(t => string.Equals(t.Tenant.CertificateSet, s.Set.Name, StringComparison.Ordinal)),
                Published = [.. s.Published.Select(c => new StatusCertificate { Sha256 = c.Sha256, Subject = c.Subject, NotAfter = c.NotAfter, Path = c.Path })],
            })],
            Rotation = rotation.Statuses,
            FailureReports = reports.Summaries(),
        };
    }

    private StatusTenant Tenant(TenantSnapshot snapshot, TenantEntry entry)
    {
        var domain = entry.Tenant.Domain;
        var check = checks.Get(domain);
        var changedAt = changes.ChangedAt(snapshot, domain);
        return new StatusTenant
        {
            Domain = domain,
            UnicodeDomain = StatusDomains.Unicode(domain),
            CertificateSet = entry.Tenant.CertificateSet,
            Services = [.. entry.Tenant.Services.Select(s => s.ToName())],
            Disabled = entry.Tenant.Disabled,
            PublishedCertificates = entry.Document is null ? 0 : entry.Certificates.Length,
            State = StateOf(entry.Tenant.Disabled, check, changedAt),
            ChangedAt = changedAt,
            Check = check,
        };
    }

    private static StatusTenantState StateOf(bool disabled, TenantCheckResult? check, DateTimeOffset? changedAt) =>
        disabled ? StatusTenantState.Disabled
        : check is null ? StatusTenantState.NotChecked
        : changedAt > check.CheckedAt ? StatusTenantState.Stale
        : check.Overall switch
        {
            CheckVerdict.Fail => StatusTenantState.Fail,
            CheckVerdict.Warn => StatusTenantState.Warn,
            CheckVerdict.Pass => StatusTenantState.Pass,
            _ => StatusTenantState.NotChecked,
        };

    private List<StatusReplica> Replicas(IReadOnlyList<ReplicaHeartbeat> heartbeats)
    {
        // This replica always counts, as it is now (its stored heartbeat may be a moment old, or unreachable).
        var self = heartbeat.Describe();
        var all = heartbeats.Where(h => !string.Equals(h.Name, self.Name, StringComparison.Ordinal)).Append(self).ToList();
        var now = timeProvider.GetUtcNow();
        bool IsLive(ReplicaHeartbeat h) => ReferenceEquals(h, self) || now - h.LastSeen <= clusterOptions.Value.ReplicaTimeout;
        var newest = all.Where(IsLive).MaxBy(h => h.TenantSnapshotBuiltAt);
        return [.. all.OrderBy(h => h.Name, StringComparer.Ordinal).Select(h => new StatusReplica
        {
            Name = h.Name,
            Version = h.Version,
            StartedAt = h.StartedAt,
            LastSeen = h.LastSeen,
            Live = IsLive(h),
            Self = ReferenceEquals(h, self),
            TenantGeneration = h.TenantGeneration,
            TenantSnapshotBuiltAt = h.TenantSnapshotBuiltAt,
            TenantDigest = h.TenantDigest,
            ServesOlderTenants = newest is not null && !string.Equals(h.TenantDigest, newest.TenantDigest, StringComparison.Ordinal) && h.TenantSnapshotBuiltAt < newest.TenantSnapshotBuiltAt,
            Certificates = h.Certificates,
        })];
    }
}
