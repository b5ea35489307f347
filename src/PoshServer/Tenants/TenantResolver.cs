using PoshClient.Documents;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>
/// Step 3b of the catalog: a parsed tenant → its entry, with its set and extra certificates resolved and its
/// document taken from the shared <see cref="PoshDocumentCache"/>. Which file owns a domain is the catalog's decision,
/// not this one's.
/// </summary>
internal sealed class TenantResolver(TenantsOptions options, CertificateReferenceReader certificates, TenantReferenceWriter references)
{
    /// <summary>
    /// The tenant's entry, or null with <paramref name="errors"/>. <paramref name="previous"/> is reused as it is when the
    /// tenant and its set are the same instances as last time (an unchanged file on an unchanged set).
    /// </summary>
    public TenantEntry? Resolve(
        Tenant tenant, TenantFilePositions positions, IReadOnlyDictionary<string, CertificateSetEntry> sets, TenantEntry? previous,
        DateTimeOffset now, PoshDocumentCache documents, List<TenantDiagnostic> errors, List<TenantDiagnostic> warnings)
    {
        // The file's path is made only for a message (Tenant.SourceFile): not once per tenant of a 100,000-tenant load.
        if (!sets.TryGetValue(tenant.CertificateSet, out var set))
        {
            var known = sets.Count == 0 ? "(none defined)" : string.Join(", ", sets.Keys.Order(StringComparer.Ordinal));
            errors.Add(TenantDiagnostic.Error(tenant.SourceFile, positions.CertificateSet.Line, positions.CertificateSet.Column, $"unknown certificate set '{tenant.CertificateSet}'", $"Use one of the sets defined in {options.CertificateSetsFile}: {known}."));
        }

        if (tenant.ExtraCertificates.IsEmpty && set is not null && previous is not null
            && ReferenceEquals(previous.Tenant, tenant) && ReferenceEquals(previous.Set, set))
        {
            NothingToPublishCheck(previous, warnings);
            return previous;
        }

        var extra = tenant.ExtraCertificates.IsEmpty ? [] : certificates.Read(tenant.SourceFile, tenant.ExtraCertificates, now, errors, warnings);
        if (errors.Count > 0 || set is null)
        {
            return null;
        }

        PoshResponse? document;
        int tooLarge;
        var published = set.Published;
        if (tenant.ExtraCertificates.IsEmpty)
        {
            document = documents.ForSet(set, tenant.Expires, out tooLarge);
        }
        else
        {
            published = CertificateFileReader.NewestFirst(set.Published.Concat(CertificateReferenceReader.Publishable(extra, now)));
            document = documents.For(published, tenant.Expires, out tooLarge);
        }

        if (tooLarge > 0)
        {
            var display = tenant.SourceFile;
            var anchor = tenant.ExtraCertificates.IsEmpty ? new CertificateReference(display, 1, 1) : tenant.ExtraCertificates[0];
            errors.Add(TenantDiagnostic.Error(display, anchor.Line, anchor.Column, $"the fingerprints document would be {tooLarge} bytes ({published.Length} certificates); deployed verifiers read at most {PoshDocumentWriter.MaxInteroperableBodyBytes}", "Publish fewer certificates: retire expired and replaced ones."));
            return null;
        }

        var entry = new TenantEntry { Tenant = tenant, Set = set, Certificates = published, Document = document, ReferenceWriter = references };
        NothingToPublishCheck(entry, warnings);
        return entry;
    }

    private static void NothingToPublishCheck(TenantEntry entry, List<TenantDiagnostic> warnings)
    {
        if (entry.Document is null && !entry.Tenant.Disabled)
        {
            warnings.Add(TenantDiagnostic.Warning(entry.Tenant.SourceFile, 1, 1, $"no unexpired certificate is left to publish for '{entry.Tenant.Domain}'; its documents answer 404", "Deploy a current certificate in its set or extra_certificates."));
        }
    }
}
