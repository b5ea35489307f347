using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Dane;

/// <summary>Certificate association data (RFC 6698 §2.1.2, §2.1.3) and the records an operator publishes.</summary>
public static class TlsaRecords
{
    /// <summary>PKIX-TA (RFC 7218): a CA in the PKIX-validated path.</summary>
    public const byte PkixTa = 0;

    /// <summary>PKIX-EE: the end-entity certificate, which must also pass PKIX.</summary>
    public const byte PkixEe = 1;

    /// <summary>DANE-TA: a trust anchor the domain names; the path and the names are checked against it.</summary>
    public const byte DaneTa = 2;

    /// <summary>DANE-EE: the end-entity certificate or key; names and validity dates are not checked (RFC 7671 §5.1).</summary>
    public const byte DaneEe = 3;

    /// <summary>
    /// The "3 1 1" record of a certificate: DANE-EE, SubjectPublicKeyInfo, SHA-256 — the form RFC 7671 §5.1 recommends,
    /// because it survives certificate renewal with the same key.
    /// </summary>
    public static TlsaRecord DaneEeSpkiSha256(X509Certificate2 certificate) => Create(certificate, DaneEe, 1, 1);

    /// <summary>A record of the given parameters for <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The certificate whose full DER (selector 0) or SPKI (selector 1) is matched.</param>
    /// <param name="usage">0–3.</param>
    /// <param name="selector">0 or 1.</param>
    /// <param name="matchingType">0 (exact), 1 (SHA-256) or 2 (SHA-512).</param>
    public static TlsaRecord Create(X509Certificate2 certificate, byte usage, byte selector, byte matchingType)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(usage, (byte)3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(selector, (byte)1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(matchingType, (byte)2);
        return new TlsaRecord
        {
            Usage = usage,
            Selector = selector,
            MatchingType = matchingType,
            Data = AssociationData(certificate, selector, matchingType) ?? [],
        };
    }

    /// <summary>The data a record with <paramref name="selector"/> and <paramref name="matchingType"/> holds for <paramref name="certificate"/>; null for unknown parameters.</summary>
    internal static byte[]? AssociationData(X509Certificate2 certificate, byte selector, byte matchingType)
    {
        byte[]? selected = selector switch
        {
            0 => certificate.RawData,
            1 => certificate.PublicKey.ExportSubjectPublicKeyInfo(),
            _ => null,
        };
        return selected is null
            ? null
            : matchingType switch
            {
                0 => selected,
                1 => SHA256.HashData(selected),
                2 => SHA512.HashData(selected),
                _ => null,
            };
    }

    /// <summary>
    /// Why a record cannot be used (RFC 7671 §4.1: unknown usage, selector or matching type, or a digest of the wrong
    /// length, RFC 6698 §2.1.3), or null when it can.
    /// </summary>
    internal static string? Unusable(TlsaRecord record)
    {
        if (record.Usage > DaneEe)
        {
            return $"unknown certificate usage {record.Usage}";
        }

        if (record.Selector > 1)
        {
            return $"unknown selector {record.Selector}";
        }

        return record.MatchingType switch
        {
            > 2 => $"unknown matching type {record.MatchingType}",
            1 when record.Data.Count != SHA256.HashSizeInBytes => $"a SHA-256 digest of {record.Data.Count} bytes",
            2 when record.Data.Count != SHA512.HashSizeInBytes => $"a SHA-512 digest of {record.Data.Count} bytes",
            0 when record.Data.Count == 0 => "no association data",
            _ => null,
        };
    }
}
