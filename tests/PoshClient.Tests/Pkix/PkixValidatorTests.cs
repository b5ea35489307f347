using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshTesting;

namespace PoshClient.Tests.Pkix;

public sealed class PkixValidatorTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();

    public void Dispose() => _authority.Dispose();

    [Fact]
    public void Validate_TrustedCertificateNamingDomain_Valid()
    {
        // Arrange
        using var certificate = _authority.Issue(["example.test"]);

        // Act
        var result = Validator().Validate("example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("DNS-ID example.test", result.MatchedIdentifier);
    }

    [Fact]
    public void Validate_WildcardCertificate_ValidForOneLabel()
    {
        // Arrange
        using var certificate = _authority.Issue(["*.example.test"]);

        // Act
        var result = Validator().Validate("chat.example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public void Validate_HosterCertificate_NameMismatchListingTheNames()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.example.net", "www.hosting.example.net"]);

        // Act
        var result = Validator().Validate("tenant.example", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.Equal(PkixFailures.NameMismatch, result.Failures);
        Assert.Equal("name mismatch (certificate names hosting.example.net, www.hosting.example.net; expected tenant.example)", result.Reason);
        Assert.True(result.IsRescuableByPosh);
    }

    [Fact]
    public void Validate_SelfSigned_UntrustedRootRescuableByPosh()
    {
        // Arrange
        using var certificate = TestCertificates.SelfSigned(["example.test"]);

        // Act
        var result = Validator().Validate("example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.Equal(PkixFailures.UntrustedRoot, result.Failures);
        Assert.Contains("untrusted root", result.Reason, StringComparison.Ordinal);
        Assert.True(result.IsRescuableByPosh);
    }

    [Fact]
    public void Validate_ExpiredCertificate_NotTimeValidAndNotRescuable()
    {
        // Arrange
        var now = DateTimeOffset.UtcNow;
        using var certificate = _authority.Issue(["example.test"], now.AddDays(-30), now.AddDays(-1));

        // Act
        var result = Validator().Validate("example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.Equal(PkixFailures.NotTimeValid, result.Failures);
        Assert.Contains("expired or not yet valid", result.Reason, StringComparison.Ordinal);
        Assert.False(result.IsRescuableByPosh);
    }

    [Fact]
    public void Validate_ClockAfterExpiry_UsesInjectedTime()
    {
        // Arrange
        using var certificate = _authority.Issue(["example.test"]);
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(1));

        // Act
        var result = new PkixValidator(_authority.CreateChainPolicy(), later).Validate("example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.True(result.Failures.HasFlag(PkixFailures.NotTimeValid), result.Reason);
    }

    [Fact]
    public void Validate_CommonNameOnly_NameMismatch()
    {
        // Arrange: a certificate whose only name is its CN (RFC 9525 drops CN-IDs).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=example.test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Act
        var result = Validator().Validate("example.test", PoshService.XmppClient, certificate, []);

        // Assert
        Assert.True(result.Failures.HasFlag(PkixFailures.NameMismatch));
        Assert.Contains("no subjectAltName names (subject CN=example.test is not an identity under RFC 9525)", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PoshService.XmppClient, "_xmpp-client.example.test", true)]
    [InlineData(PoshService.XmppServer, "_xmpp-client.example.test", false)]
    public void Validate_SrvIdOtherName_MatchesForItsService(PoshService service, string srvName, bool expected)
    {
        // Arrange
        using var certificate = SelfSignedWithOtherNames(srvName: srvName, xmppAddr: null);

        // Act
        var presented = SubjectAltNameReader.Read(certificate);
        var match = IdentityMatcher.FindMatch("example.test", service, presented);

        // Assert
        Assert.Equal([srvName], presented.SrvNames);
        Assert.Equal(expected, match is not null);
    }

    [Fact]
    public void Read_XmppAddrOtherName_Decoded()
    {
        // Arrange
        using var certificate = SelfSignedWithOtherNames(srvName: null, xmppAddr: "example.test");

        // Act
        var presented = SubjectAltNameReader.Read(certificate);

        // Assert
        Assert.Equal(["example.test"], presented.XmppAddrs);
        Assert.Equal("XmppAddr example.test", IdentityMatcher.FindMatch("example.test", PoshService.XmppServer, presented));
    }

    private PkixValidator Validator() => new(_authority.CreateChainPolicy(), TimeProvider.System);

    private static X509Certificate2 SelfSignedWithOtherNames(string? srvName, string? xmppAddr)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, "unrelated.test", new Asn1Tag(TagClass.ContextSpecific, 2));
            if (srvName is not null)
            {
                WriteOtherName(writer, SubjectAltNameReader.SrvNameOid, UniversalTagNumber.IA5String, srvName);
            }

            if (xmppAddr is not null)
            {
                WriteOtherName(writer, SubjectAltNameReader.XmppAddrOid, UniversalTagNumber.UTF8String, xmppAddr);
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=example.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", writer.Encode(), critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static void WriteOtherName(AsnWriter writer, string oid, UniversalTagNumber stringType, string value)
    {
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteCharacterString(stringType, value);
            }
        }
    }
}
