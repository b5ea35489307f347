using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshTesting;

/// <summary>
/// Certificates minted at test time with <see cref="CertificateRequest"/>: no private key is ever committed.
/// A <see cref="TestCertificateAuthority"/> issues leaves; <see cref="SelfSigned"/> makes a standalone leaf.
/// </summary>
internal static class TestCertificates
{
    /// <summary>A self-signed end-entity certificate (CA:FALSE, RFC 6120 §13.7.1.1 profile) for the given DNS names.</summary>
    public static X509Certificate2 SelfSigned(
        string[] dnsNames,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CreateLeafRequest(key, dnsNames);
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(90);
        using var certificate = request.CreateSelfSigned(from, to);
        return ReloadWithKey(certificate);
    }

    /// <summary>Writes the certificate (and optionally its key) as PEM; returns the certificate path.</summary>
    public static string WritePem(X509Certificate2 certificate, string path, string? keyPath = null, IEnumerable<X509Certificate2>? chain = null)
    {
        var pem = certificate.ExportCertificatePem() + "\n";
        if (chain is not null)
        {
            pem += string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));
        }

        File.WriteAllText(path, pem);
        if (keyPath is not null)
        {
            File.WriteAllText(keyPath, ExportPrivateKeyPem(certificate));
        }

        return path;
    }

    public static string ExportPrivateKeyPem(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? certificate.GetRSAPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? throw new InvalidOperationException("The certificate has no private key.");

    internal static CertificateRequest CreateLeafRequest(ECDsa key, string[] dnsNames)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + dnsNames[0]), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>
    /// Round-trips through PKCS#12 so the key is usable by SslStream on Linux (an ephemeral key from
    /// CopyWithPrivateKey works too, but this keeps one code path for every caller).
    /// </summary>
    internal static X509Certificate2 ReloadWithKey(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
