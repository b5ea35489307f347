using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;

namespace PoshServer.Certificates;

/// <summary>
/// Reads the end-entity certificate from a PEM chain file (the first CERTIFICATE block is the leaf, as every
/// TLS server expects) or a DER file. Only the certificate is hashed (RFC 7711 §3.1: the DER of the whole
/// certificate); intermediates and keys in the file are ignored.
/// </summary>
internal static class CertificateFileReader
{
    /// <summary>Certificate files are small; anything larger is not a certificate chain.</summary>
    public const int MaxFileBytes = 256 * 1024;

    public static bool TryRead(string path, [NotNullWhen(true)] out PublishedCertificate? certificate, [NotNullWhen(false)] out string? error)
    {
        certificate = null;
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"certificate file '{path}' does not exist";
                return false;
            }

            if (info.Length > MaxFileBytes)
            {
                error = $"certificate file '{path}' is {info.Length} bytes, larger than any certificate chain ({MaxFileBytes} bytes at most)";
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"certificate file '{path}' cannot be read: {ex.Message}";
            return false;
        }

        return TryParse(path, bytes, out certificate, out error);
    }

    public static bool TryParse(string path, ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out PublishedCertificate? certificate, [NotNullWhen(false)] out string? error)
    {
        certificate = null;
        X509Certificate2 x509;
        try
        {
            x509 = LooksLikePem(bytes)
                ? LoadFirstPemCertificate(System.Text.Encoding.ASCII.GetString(bytes))
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException ex)
        {
            error = $"'{path}' is not a PEM or DER X.509 certificate: {ex.Message}";
            return false;
        }

        using (x509)
        {
            var basicConstraints = x509.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            certificate = new PublishedCertificate
            {
                Path = path,
                Subject = x509.Subject,
                DnsNames = [.. x509.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())],
                NotBefore = new DateTimeOffset(x509.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                NotAfter = new DateTimeOffset(x509.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                Descriptor = FingerprintDescriptor.FromCertificate(x509),
                Sha256 = Convert.ToBase64String(SHA256.HashData(x509.RawDataMemory.Span)),
                IsCertificateAuthority = basicConstraints?.CertificateAuthority ?? false,
            };
        }

        error = null;
        return true;
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> bytes) => bytes.IndexOf("-----BEGIN"u8) >= 0;

    private static X509Certificate2 LoadFirstPemCertificate(string pem)
    {
        foreach (var range in EnumeratePemBlocks(pem))
        {
            if (range.Label.Equals("CERTIFICATE", StringComparison.Ordinal))
            {
                return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(range.Base64));
            }
        }

        throw new CryptographicException("the PEM file contains no CERTIFICATE block");
    }

    private static IEnumerable<(string Label, string Base64)> EnumeratePemBlocks(string pem)
    {
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            var base64 = rest.Span[fields.Base64Data].ToString();
            yield return (label, base64);
            rest = rest[fields.Location.End..];
        }
    }

    /// <summary>Descriptors in publication order: newest first (RFC 7711 §3.1 SHOULD), i.e. latest notBefore first.</summary>
    public static ImmutableArray<PublishedCertificate> NewestFirst(IEnumerable<PublishedCertificate> certificates) =>
        [.. certificates.DistinctBy(c => c.Sha256, StringComparer.Ordinal).OrderByDescending(c => c.NotBefore).ThenByDescending(c => c.NotAfter)];
}
