using System.Collections.Immutable;
using PoshClient.Documents;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>A tenant with everything the request path needs, precomputed (or, for reference documents, computed once on first use).</summary>
internal sealed record TenantEntry
{
    private PoshResponse?[]? _references;

    public required Tenant Tenant { get; init; }

    /// <summary>The certificate set the entry was built on; an unchanged tenant on an unchanged set is reused on reload.</summary>
    public CertificateSetEntry? Set { get; init; }

    /// <summary>Published certificates (set and extra), newest first; expired ones are already left out.</summary>
    public required ImmutableArray<PublishedCertificate> Certificates { get; init; }

    /// <summary>The fingerprints document, shared with every tenant publishing the same one; null when nothing can be published (every certificate expired).</summary>
    public required PoshResponse? Document { get; init; }

    /// <summary>Writes the reference documents on first request.</summary>
    public required TenantReferenceWriter ReferenceWriter { get; init; }

    /// <summary>The document to serve for <paramref name="service"/>, or null for 404 (disabled, service not offered, nothing to publish).</summary>
    public PoshResponse? DocumentFor(PoshService service) =>
        Tenant.Disabled || !Tenant.Offers(service) ? null : Document;

    /// <summary>The reference document for an offered service: the exact bytes the tenant puts in its web root.</summary>
    public PoshResponse? ReferenceFor(PoshService service)
    {
        if (Tenant.Disabled || !Tenant.Offers(service))
        {
            return null;
        }

        var index = (int)service;
        var cache = Volatile.Read(ref _references) ?? Interlocked.CompareExchange(ref _references, new PoshResponse?[PoshServiceNames.All.Count], null) ?? _references;
        // Two first requests at once may both write it: same bytes, so either copy is right.
        return cache[index] ??= ReferenceWriter.Write(Tenant, service);
    }
}
