using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Pkix;

namespace PoshTesting;

/// <summary>A throw-away root CA for a test world: issues web and XMPP certificates, trusted only by the tests that ask.</summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    public TestCertificateAuthority(string name = "PoshServer Test Root")
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(5));
    }

    /// <summary>An intermediate CA signed by <paramref name="parent"/>: leaves it issues need it sent in the chain.</summary>
    public TestCertificateAuthority(TestCertificateAuthority parent, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(parent.Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        Certificate = request.Create(parent.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(parent._key), DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(4), serial);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Issues a leaf for <paramref name="dnsNames"/> (IP literals become IP SANs), with its private key.</summary>
    public X509Certificate2 Issue(string[] dnsNames, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = TestCertificates.CreateLeafRequest(key, dnsNames);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(
            Certificate.SubjectName,
            X509SignatureGenerator.CreateForECDsa(_key),
            notBefore ?? DateTimeOffset.UtcNow.AddDays(-1),
            notAfter ?? DateTimeOffset.UtcNow.AddDays(90),
            serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return TestCertificates.ReloadWithKey(withKey);
    }

    /// <summary>A chain policy that trusts exactly this CA, as a verifier configured for a private deployment would.</summary>
    public X509ChainPolicy CreateChainPolicy() => TrustedRoots.CreateChainPolicy([Certificate]);

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
