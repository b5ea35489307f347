using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>A named group of the hoster's XMPP certificates (e.g. one per cluster), defined once and referenced by tenants.</summary>
internal sealed record CertificateSet
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Certificate files currently deployed (or about to be); all are published during rotation overlap.</summary>
    public required ImmutableArray<CertificateReference> Certificates { get; init; }

    /// <summary>The <c>next</c> slot and deployment of the set; <see cref="CertificateSetRotation.None"/> when not configured.</summary>
    public CertificateSetRotation Rotation { get; init; } = CertificateSetRotation.None;
}
