using PoshClient.Documents;
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
    FailureReportStore reports,
    TimeProvider timeProvider)
{
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
            Tenants = [.. snapshot.Tenants.Values.OrderBy(t => t.Tenant.Domain, StringComparer.Ordinal).Select(t => new StatusTenant
            {
                Domain = t.Tenant.Domain,
                CertificateSet = t.Tenant.CertificateSet,
                Services = [.. t.Tenant.Services.Select(s => s.ToName())],
                Disabled = t.Tenant.Disabled,
                PublishedCertificates = t.Document is null ? 0 : t.Certificates.Length,
                Check = checks.Get(t.Tenant.Domain),
            })],
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
}
