using System.Collections.Immutable;
using PoshServer.Certificates;

namespace PoshServer.Tenants;

/// <summary>
/// Certificates a set keeps publishing although no file holds them any more: the certificate that was deployed
/// before a switch stays published until every cached document that lacks the new one has expired (RFC 7711 §3.1,
/// S-12). Rotation fills this in; the catalog builder adds them to each set's published certificates.
/// </summary>
internal sealed class RetainedCertificates
{
    private ImmutableDictionary<string, ImmutableArray<PublishedCertificate>> _bySet = ImmutableDictionary<string, ImmutableArray<PublishedCertificate>>.Empty;

    public ImmutableArray<PublishedCertificate> For(string set) => Volatile.Read(ref _bySet).GetValueOrDefault(set, []);

    /// <summary>Replaces the retained certificates; returns whether anything changed (then the catalog must be rebuilt).</summary>
    public bool Set(ImmutableDictionary<string, ImmutableArray<PublishedCertificate>> bySet)
    {
        var previous = Interlocked.Exchange(ref _bySet, bySet);
        var before = previous.SelectMany(p => p.Value.Select(c => p.Key + "|" + c.Sha256)).ToHashSet(StringComparer.Ordinal);
        var after = bySet.SelectMany(p => p.Value.Select(c => p.Key + "|" + c.Sha256)).ToHashSet(StringComparer.Ordinal);
        return !before.SetEquals(after);
    }
}
