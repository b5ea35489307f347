using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshServer.Https;

/// <summary>
/// A self-signed certificate made at start-up when no HTTPS certificate is configured, so a fresh clone serves
/// HTTPS at once. Never valid for peers: RFC 7712 §8 requires a CA-issued certificate on the POSH web server.
/// </summary>
internal static class DevelopmentCertificate
{
    public static X509Certificate2 Create(IEnumerable<string> hostNames, TimeProvider timeProvider)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = hostNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var request = new CertificateRequest("CN=PoshServer development certificate", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = timeProvider.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));

        // Round-trip through PKCS#12 so SslStream gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
