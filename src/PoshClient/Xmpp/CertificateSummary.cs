using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Pkix;

namespace PoshClient.Xmpp;

/// <summary>What a report shows of a presented certificate: names and hashes, never the key.</summary>
public sealed record CertificateSummary
{
    /// <summary>The subject distinguished name.</summary>
    public required string Subject { get; init; }

    /// <summary>The issuer distinguished name.</summary>
    public required string Issuer { get; init; }

    /// <summary>The subjectAltName identifiers (DNS-IDs, SRV-IDs, XmppAddrs).</summary>
    public required PresentedIdentifiers Names { get; init; }

    /// <summary>SHA-256 of the DER certificate in base64, as a POSH fingerprint descriptor carries it (RFC 7711 §3.1).</summary>
    public required string Sha256Base64 { get; init; }

    /// <summary>SHA-256 of the DER certificate in upper-case hex.</summary>
    public required string Sha256Hex { get; init; }

    /// <summary>Start of the validity period.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of the validity period.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Summarizes <paramref name="certificate"/>.</summary>
    internal static CertificateSummary Create(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hash = SHA256.HashData(certificate.RawData);
        return new CertificateSummary
        {
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            Names = SubjectAltNameReader.Read(certificate),
            Sha256Base64 = Convert.ToBase64String(hash),
            Sha256Hex = Convert.ToHexString(hash),
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
    }
}
