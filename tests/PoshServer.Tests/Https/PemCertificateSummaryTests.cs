using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PoshServer.Https;

namespace PoshServer.Tests.Https;

/// <summary>
/// The start-up reader of HTTPS certificate files (issue 9: 10,000 names ready in seconds) gives what
/// <see cref="X509Certificate2"/> gives for the names and expiry it needs, for the shapes certificates come in.
/// </summary>
public sealed class PemCertificateSummaryTests
{
    private static readonly DateTimeOffset s_notBefore = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, DateTimeOffset, string[]> Shapes => new()
    {
        { "one DNS name", new DateTimeOffset(2027, 1, 31, 12, 30, 15, TimeSpan.Zero), ["posh.hosting.example"] },
        { "several names, a wildcard, an IDN A-label", new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), ["a.example", "*.b.example", "xn--bcher-kva.example"] },
        { "notAfter as GeneralizedTime (2050 and later, RFC 5280 §4.1.2.5)", new DateTimeOffset(2051, 6, 1, 8, 0, 0, TimeSpan.Zero), ["far.example"] },
        { "no subjectAltName", new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), [] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TryRead_Shapes_SameNamesAndExpiryAsX509Certificate2(string shape, DateTimeOffset notAfter, string[] names)
    {
        // Arrange: with an IP address and an e-mail name beside the DNS names, which are not DNS names.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=leaf.example", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        if (names.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            foreach (var name in names)
            {
                san.AddDnsName(name);
            }

            san.AddEmailAddress("ops@hosting.example");
            request.CertificateExtensions.Add(san.Build(critical: true));
        }

        using var certificate = request.CreateSelfSigned(s_notBefore, notAfter);

        // Act
        var ok = PemCertificateSummary.TryRead(certificate.ExportCertificatePem(), out var dnsNames, out var readNotAfter, out var intermediates, out var error);

        // Assert
        Assert.True(ok, $"{shape}: {error}");
        Assert.Equal(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()), dnsNames);
        Assert.Equal(names, dnsNames);
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), readNotAfter);
        Assert.Equal(0, intermediates);
    }

    [Fact]
    public void TryRead_Chain_LeafFirstIntermediatesCountedOtherBlocksIgnored()
    {
        // Arrange: leaf, a private key block (never in a chain file, but not a certificate), two intermediates.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leaf = Create(key, "leaf.example");
        var pem = new StringBuilder()
            .AppendLine(leaf.ExportCertificatePem())
            .AppendLine(key.ExportPkcs8PrivateKeyPem())
            .AppendLine(Create(key, "intermediate-1.example").ExportCertificatePem())
            .AppendLine(Create(key, "intermediate-2.example").ExportCertificatePem())
            .ToString();

        // Act
        var ok = PemCertificateSummary.TryRead(pem, out var dnsNames, out _, out var intermediates, out var error);

        // Assert
        Assert.True(ok, error);
        Assert.Equal(["leaf.example"], dnsNames);
        Assert.Equal(2, intermediates);
    }

    [Theory]
    [InlineData("empty", "holds no certificate")]
    [InlineData("a key only", "holds no certificate")]
    [InlineData("a certificate block that is not a certificate", "not valid DER")]
    public void TryRead_NoOrBrokenCertificate_SaysWhy(string shape, string expected)
    {
        // Built here: a key minted now rather than a key block in the source.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = shape switch
        {
            "empty" => string.Empty,
            "a key only" => key.ExportPkcs8PrivateKeyPem(),
            _ => new string(PemEncoding.Write("CERTIFICATE", [0x30, 0x03, 0x02, 0x01, 0x01])), // SEQUENCE { INTEGER 1 }
        };

        var ok = PemCertificateSummary.TryRead(pem, out _, out _, out _, out var error);

        Assert.False(ok);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static X509Certificate2 Create(ECDsa key, string name)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(s_notBefore, s_notBefore.AddDays(90));
    }
}
