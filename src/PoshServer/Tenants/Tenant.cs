using System.Collections.Immutable;
using PoshClient.Documents;

namespace PoshServer.Tenants;

/// <summary>One tenant domain, as loaded from its YAML file and validated.</summary>
internal sealed record Tenant
{
    /// <summary>The domain, normalised: lower case, no trailing dot, A-labels.</summary>
    public required string Domain { get; init; }

    /// <summary>The tenants directory as shown in messages: one string that every tenant loaded from it shares.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>The name of the file the tenant came from: the same string the listing and the reader keep for the file.</summary>
    public required string SourceName { get; init; }

    /// <summary>
    /// The file the tenant came from, as shown in messages. Made when asked for (messages, the CLI) rather than kept:
    /// a kept path is about 100 bytes per tenant, 100 MB at 1,000,000 tenants.
    /// </summary>
    public string SourceFile => TenantCatalogBuilder.Display(SourceDirectory, SourceName);

    /// <summary>Whether both tenants come from the same file, without making either path.</summary>
    public bool ComesFromSameFile(Tenant other) =>
        string.Equals(SourceName, other.SourceName, StringComparison.Ordinal) && string.Equals(SourceDirectory, other.SourceDirectory, StringComparison.Ordinal);

    public string? Description { get; init; }

    /// <summary>The hoster's certificate set whose certificates speak for this domain.</summary>
    public required string CertificateSet { get; init; }

    public required ImmutableArray<PoshService> Services { get; init; }

    /// <summary>Seconds for the fingerprints document's <c>expires</c> (RFC 7711 §3.1).</summary>
    public required long Expires { get; init; }

    /// <summary>Seconds for the <c>expires</c> of the reference document the tenant publishes (RFC 7711 §3.2).</summary>
    public required long ReferenceExpires { get; init; }

    /// <summary>Certificates the tenant brought (absolute paths), published in addition to the set's.</summary>
    public required ImmutableArray<CertificateReference> ExtraCertificates { get; init; }

    /// <summary>A disabled tenant answers 404 everywhere: its delegation is revoked.</summary>
    public required bool Disabled { get; init; }

    /// <summary>Whether PoshServer should obtain an HTTPS certificate for this domain via ACME (tenants opt in).</summary>
    public required bool Acme { get; init; }

    public bool Offers(PoshService service) => Services.Contains(service);
}
