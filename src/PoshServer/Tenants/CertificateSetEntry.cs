using System.Collections.Immutable;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>A certificate set with its certificates read and its own fingerprints document precomputed.</summary>
internal sealed record CertificateSetEntry
{
    public required CertificateSet Set { get; init; }

    /// <summary>Every certificate of the set as read, including expired ones (for listings).</summary>
    public required ImmutableArray<PublishedCertificate> AllCertificates { get; init; }

    /// <summary>The certificates published now, newest first.</summary>
    public required ImmutableArray<PublishedCertificate> Published { get; init; }

    /// <summary>The set's document with the default <c>expires</c>; null when every certificate has expired.</summary>
    public required PoshResponse? Document { get; init; }
}
