using System.Collections.Immutable;
using System.Globalization;
using PoshClient.Documents;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>
/// Step 4 of the catalog: builds fingerprints documents, each distinct one once. Tenants that publish the same
/// certificates with the same <c>expires</c> share one body and ETag (on a hoster, nearly all tenants of a set), so a
/// full load writes and hashes a handful of documents, not one per tenant. Used under the catalog's reload lock.
/// </summary>
internal sealed class PoshDocumentCache
{
    private readonly Dictionary<string, PoshResponse> _byCertificates = new(StringComparer.Ordinal);
    private readonly Dictionary<CertificateSetEntry, Dictionary<long, PoshResponse?>> _bySet = new(ReferenceEqualityComparer.Instance);

    /// <summary>Forgets every document: a full load starts afresh so documents nobody publishes any more are dropped.</summary>
    public void Clear()
    {
        _byCertificates.Clear();
        _bySet.Clear();
    }

    /// <summary>The document for a tenant that publishes exactly its set's certificates (the common case: one lookup, no key to build).</summary>
    public PoshResponse? ForSet(CertificateSetEntry set, long expires, out int tooLargeBytes)
    {
        tooLargeBytes = 0;
        if (!_bySet.TryGetValue(set, out var byExpires))
        {
            byExpires = [];
            _bySet[set] = byExpires;
        }

        if (byExpires.TryGetValue(expires, out var known))
        {
            return known;
        }

        var document = For(set.Published, expires, out tooLargeBytes);
        if (tooLargeBytes == 0)
        {
            byExpires[expires] = document;
        }

        return document;
    }

    /// <summary>The document for <paramref name="published"/> (newest first); null when nothing is published or when it would be too large.</summary>
    public PoshResponse? For(ImmutableArray<PublishedCertificate> published, long expires, out int tooLargeBytes)
    {
        tooLargeBytes = 0;
        if (published.IsEmpty)
        {
            return null;
        }

        var key = string.Join(',', published.Select(c => c.Sha256)) + "|" + expires.ToString(CultureInfo.InvariantCulture);
        if (_byCertificates.TryGetValue(key, out var shared))
        {
            return shared;
        }

        var body = PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = [.. published.Select(c => c.Descriptor)], Expires = expires });
        if (body.Length >= PoshDocumentWriter.MaxInteroperableBodyBytes)
        {
            tooLargeBytes = body.Length;
            return null;
        }

        var response = new PoshResponse(body);
        _byCertificates[key] = response;
        return response;
    }

    /// <summary>Makes an existing document the shared one for its key (a set kept from the last load keeps its document instance).</summary>
    public void Adopt(ImmutableArray<PublishedCertificate> published, long expires, PoshResponse document) =>
        _byCertificates[string.Join(',', published.Select(c => c.Sha256)) + "|" + expires.ToString(CultureInfo.InvariantCulture)] = document;
}
