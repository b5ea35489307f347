using PoshClient.Documents;
using PoshServer.Tenants;

namespace PoshServer.Cli;

/// <summary>`tenants list --json` output, one per tenant.</summary>
internal sealed record TenantListItem(
    string Domain,
    string File,
    string CertificateSet,
    IReadOnlyList<string> Services,
    long Expires,
    long ReferenceExpires,
    bool Disabled,
    bool Acme,
    IReadOnlyList<TenantListItem.Certificate> Certificates)
{
    public static TenantListItem From(TenantEntry entry) => new(
        entry.Tenant.Domain,
        entry.Tenant.SourceFile,
        entry.Tenant.CertificateSet,
        [.. entry.Tenant.Services.Select(s => s.ToName())],
        entry.Tenant.Expires,
        entry.Tenant.ReferenceExpires,
        entry.Tenant.Disabled,
        entry.Tenant.Acme,
        [.. entry.Certificates.Select(c => new Certificate(c.Sha256, c.Subject, c.NotBefore, c.NotAfter))]);

    internal sealed record Certificate(string Sha256, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
}
