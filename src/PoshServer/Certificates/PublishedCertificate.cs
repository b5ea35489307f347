using System.Collections.Immutable;
using PoshClient.Documents;

namespace PoshServer.Certificates;

/// <summary>An XMPP end-entity certificate read from a file, and the descriptor that publishes it.</summary>
internal sealed record PublishedCertificate
{
    public required string Path { get; init; }

    public required string Subject { get; init; }

    public required ImmutableArray<string> DnsNames { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required FingerprintDescriptor Descriptor { get; init; }

    /// <summary>Padded base64 sha-256 of the DER, as it appears in documents; handy in logs and listings.</summary>
    public required string Sha256 { get; init; }

    /// <summary>CA:TRUE in basic constraints: RFC 6120 §13.7.1.1 wants end-entity certificates (S-19).</summary>
    public required bool IsCertificateAuthority { get; init; }

    public bool IsExpiredAt(DateTimeOffset now) => NotAfter < now;

    public bool IsNotYetValidAt(DateTimeOffset now) => NotBefore > now;
}
