using System.Security.Cryptography.X509Certificates;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshTesting;

namespace PoshClient.Tests.Dane;

/// <summary>Each TLSA usage's rules (RFC 6698 §2.1.1, RFC 7671 §5) on minted certificates.</summary>
public sealed class DaneMatcherTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new("DANE matcher test root");

    [Fact]
    public void Evaluate_DaneEeOfAnExpiredCertificateNamingAnotherHost_Verified()
    {
        // RFC 7671 §5.1: DANE-EE ignores names and validity dates.
        using var expired = _authority.Issue(["elsewhere.test"], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));

        var result = Evaluate(expired, TlsaRecords.DaneEeSpkiSha256(expired), pkixValid: false);

        Assert.Equal(DaneOutcome.Verified, result.Outcome);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    public void Evaluate_DaneEeEverySelectorAndMatchingType_Verified(byte selector, byte matching)
    {
        using var leaf = _authority.Issue(["xmpp.test"]);

        var result = Evaluate(leaf, TlsaRecords.Create(leaf, TlsaRecords.DaneEe, selector, matching), pkixValid: false);

        Assert.Equal(DaneOutcome.Verified, result.Outcome);
    }

    [Fact]
    public void Evaluate_PkixEeMatchButPkixFails_Mismatch()
    {
        using var leaf = _authority.Issue(["xmpp.test"]);

        var result = Evaluate(leaf, TlsaRecords.Create(leaf, TlsaRecords.PkixEe, 1, 1), pkixValid: false);

        Assert.Equal(DaneOutcome.Mismatch, result.Outcome);
        Assert.Contains("PKIX-EE also requires PKIX", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PkixTaOfTheSentCa_VerifiedWhenPkixHolds()
    {
        using var leaf = _authority.Issue(["xmpp.test"]);

        var result = Evaluate(leaf, TlsaRecords.Create(_authority.Certificate, TlsaRecords.PkixTa, 0, 1), pkixValid: true, [_authority.Certificate]);

        Assert.Equal(DaneOutcome.Verified, result.Outcome);
    }

    [Fact]
    public void Evaluate_DaneTaButLeafNamesNeitherDomainNorTarget_Mismatch()
    {
        using var leaf = _authority.Issue(["unrelated.test"]);

        var result = Evaluate(leaf, TlsaRecords.Create(_authority.Certificate, TlsaRecords.DaneTa, 1, 1), pkixValid: false, [_authority.Certificate]);

        Assert.Equal(DaneOutcome.Mismatch, result.Outcome);
        Assert.Contains("names unrelated.test", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DaneTaNamingTheSecureSrvTarget_Verified()
    {
        using var leaf = _authority.Issue(["xmpp.test"]);

        var result = Evaluate(leaf, TlsaRecords.Create(_authority.Certificate, TlsaRecords.DaneTa, 0, 1), pkixValid: false, [_authority.Certificate]);

        Assert.Equal(DaneOutcome.Verified, result.Outcome);
    }

    [Fact]
    public void Evaluate_InsecureTlsaAnswer_NotApplicable()
    {
        using var leaf = _authority.Issue(["xmpp.test"]);
        var endpoint = Endpoint(TlsaRecords.DaneEeSpkiSha256(leaf)) with { SrvDnssec = DnssecStatus.Insecure, Tlsa = null };

        var result = new DaneMatcher(TimeProvider.System).Evaluate([endpoint], "example.test", PoshService.XmppClient, leaf, [], Pkix(valid: false));

        Assert.Equal(DaneOutcome.NotApplicable, result.Outcome);
    }

    public void Dispose() => _authority.Dispose();

    private static DaneVerificationResult Evaluate(X509Certificate2 leaf, TlsaRecord record, bool pkixValid, IReadOnlyList<X509Certificate2>? chain = null) =>
        new DaneMatcher(TimeProvider.System).Evaluate([Endpoint(record)], "example.test", PoshService.XmppClient, leaf, chain ?? [], Pkix(pkixValid));

    private static DaneEndpoint Endpoint(TlsaRecord record) => new()
    {
        Target = "xmpp.test",
        Port = 5222,
        SrvDnssec = DnssecStatus.Secure,
        AddressDnssec = DnssecStatus.Secure,
        Tlsa = new DnsTlsaResult { Name = "_5222._tcp.xmpp.test", Status = DnsResponseStatus.Success, Dnssec = DnssecStatus.Secure, Records = [record] },
    };

    private static PkixValidationResult Pkix(bool valid) => new()
    {
        Failures = valid ? PkixFailures.None : PkixFailures.NameMismatch,
        Domain = "example.test",
        Presented = PresentedIdentifiers.None,
        Reason = valid ? "chain trusted" : "name mismatch",
    };
}
