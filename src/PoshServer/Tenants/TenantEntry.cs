using System.Collections.Immutable;
using PoshClient.Documents;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>A tenant with everything the request path needs, precomputed.</summary>
internal sealed record TenantEntry
{
    public required Tenant Tenant { get; init; }

    /// <summary>The certificate set the entry was built on; an unchanged tenant on an unchanged set is reused on reload.</summary>
    public CertificateSetEntry? Set { get; init; }

    /// <summary>Published certificates (set and extra), newest first; expired ones are already left out.</summary>
    public required ImmutableArray<PublishedCertificate> Certificates { get; init; }

    /// <summary>The fingerprints document; null when nothing can be published (every certificate expired).</summary>
    public required PoshResponse? Document { get; init; }

    /// <summary>The reference document for each offered service: the exact bytes the tenant puts in its web root.</summary>
    public required ImmutableDictionary<PoshService, PoshResponse> References { get; init; }

    /// <summary>The document to serve for <paramref name="service"/>, or null for 404 (disabled, service not offered, nothing to publish).</summary>
    public PoshResponse? DocumentFor(PoshService service) =>
        Tenant.Disabled || !Tenant.Offers(service) ? null : Document;

    public PoshResponse? ReferenceFor(PoshService service) =>
        Tenant.Disabled ? null : References.GetValueOrDefault(service);
}
