using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshTesting;

namespace PoshClient.Tests.Verification;

public sealed class PoshVerifierTests : IDisposable
{
    private const string Source = "https://example.com/.well-known/posh/xmpp-server.json";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly StubPoshWeb _web = new();
    private readonly X509Certificate2 _certificate;
    private readonly PoshVerifier _verifier;
    private readonly CancellationTokenSource _cts = new(s_bound);

    public PoshVerifierTests()
    {
        var now = _time.GetUtcNow();
        _certificate = TestCertificates.SelfSigned(["hosting.example.net"], now.AddDays(-1), now.AddDays(30));
        _verifier = new PoshVerifier(new HttpClient(_web), new PoshClient.PoshClientOptions(), _time);
    }

    [Fact]
    public async Task VerifyAsync_MatchingCertificate_VerifiedByPoshWithReadableReason()
    {
        // Arrange
        _web.Serve(Source, Fingerprints(3600, _certificate));

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.True(result.IsVerified);
        Assert.Equal("example.com", result.Domain);
        Assert.Equal(
            $"POSH: fetched {Source} → 200 fingerprints (1 descriptor, expires 3600); presented certificate CN=hosting.example.net sha-256 {Sha256(_certificate)} matches descriptor 1 (sha-512); valid until {_certificate.NotAfter.ToUniversalTime():yyyy-MM-dd} → accepted for example.com",
            result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_Reference_VerifiedAndReasonNamesBothHops()
    {
        // Arrange
        _web.Serve(Source, "{\"url\":\"https://hosting.example.net/posh/example.com/xmpp-server.json\",\"expires\":86400}");
        _web.Serve("https://hosting.example.net/posh/example.com/xmpp-server.json", Fingerprints(3600, TestCertificates.SelfSigned(["new.example.net"]), _certificate));

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.Contains("→ 200 reference to https://hosting.example.net/posh/example.com/xmpp-server.json (expires 86400) → 200 fingerprints (2 descriptors, expires 3600)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("matches descriptor 2 (sha-512)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_MatchButExpired_CertificateNotValidNow()
    {
        // Arrange
        var now = _time.GetUtcNow();
        using var expired = TestCertificates.SelfSigned(["hosting.example.net"], now.AddDays(-30), now.AddMinutes(-1));
        _web.Serve(Source, Fingerprints(3600, expired));

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, expired, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.CertificateNotValidNow, result.Outcome);
        Assert.Contains("expired at", result.Reason, StringComparison.Ordinal);
        Assert.Contains("RFC 7711 §6", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_MatchButNotYetValid_CertificateNotValidNow()
    {
        // Arrange
        var now = _time.GetUtcNow();
        using var future = TestCertificates.SelfSigned(["hosting.example.net"], now.AddHours(1), now.AddDays(30));
        _web.Serve(Source, Fingerprints(3600, future));

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, future, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.CertificateNotValidNow, result.Outcome);
        Assert.Contains("is not valid before", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_CertificateExpiresWhileMaterialCached_CertificateNotValidNow()
    {
        // Arrange: the material is cached for a day, the certificate ends in 10 minutes (RFC 7711 §6).
        var now = _time.GetUtcNow();
        using var shortLived = TestCertificates.SelfSigned(["hosting.example.net"], now.AddDays(-1), now.AddMinutes(10));
        _web.Serve(Source, Fingerprints(86400, shortLived));
        var first = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, shortLived, _cts.Token);
        _time.Advance(TimeSpan.FromMinutes(11));

        // Act
        var second = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, shortLived, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, first.Outcome);
        Assert.Equal(PoshVerificationOutcome.CertificateNotValidNow, second.Outcome);
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_OtherCertificate_MismatchNamingPresentedFingerprint()
    {
        // Arrange
        using var other = TestCertificates.SelfSigned(["evil.example"]);
        _web.Serve(Source, Fingerprints(3600, _certificate));

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, other, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.Mismatch, result.Outcome);
        Assert.Contains("CN=evil.example sha-256 " + Sha256(other) + " matches no descriptor", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData(500, "", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData(200, "{\"expires\":1}", PoshVerificationOutcome.InvalidMaterial)]
    [InlineData(200, "{\"fingerprints\":[{\"sha-256\":\"xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I=\"}],\"expires\":0}", PoshVerificationOutcome.InvalidMaterial)]
    [InlineData(200, "{\"fingerprints\":[{\"sha-1\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}],\"expires\":60}", PoshVerificationOutcome.Mismatch)]
    public async Task VerifyAsync_NoUsableMaterial_ExpectedOutcome(int status, string body, PoshVerificationOutcome expected)
    {
        // Arrange
        _web.Serve(Source, body, status);

        // Act
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(expected, result.Outcome);
        Assert.False(result.IsVerified);
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("[::1]")]
    [InlineData("")]
    [InlineData("not a domain")]
    [InlineData("localhost")]
    public async Task VerifyAsync_NotADomain_NoPoshMaterialWithoutRequest(string domain)
    {
        // Act
        var result = await _verifier.VerifyAsync(domain, PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, result.Outcome);
        Assert.Equal(0, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_InternationalisedDomain_FetchesALabelUrl()
    {
        // Arrange (posh-spec C-3)
        _web.Serve("https://xn--bcher-kva.example/.well-known/posh/xmpp-client.json", Fingerprints(60, _certificate));

        // Act
        var result = await _verifier.VerifyAsync("Bücher.example.", PoshService.XmppClient, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.Equal("xn--bcher-kva.example", result.Domain);
    }

    [Fact]
    public async Task Prefetch_ThenVerify_OneRequest()
    {
        // Arrange
        _web.Serve(Source, Fingerprints(3600, _certificate));

        // Act
        _verifier.Prefetch("example.com", PoshService.XmppServer);
        var result = await _verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        // Arrange
        var options = new PoshClient.PoshClientOptions { MaxRedirects = 11, MaxDocumentBytes = 10, NegativeCacheJitter = 2 };

        // Act
        var error = Assert.Throws<ArgumentException>(() => new PoshVerifier(new HttpClient(_web), options, _time));

        // Assert
        Assert.Contains("MaxRedirects", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDocumentBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("NegativeCacheJitter", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _verifier.Dispose();
        _certificate.Dispose();
        _web.Dispose();
        _cts.Dispose();
    }

    internal static string Fingerprints(long expires, params X509Certificate2[] certificates) =>
        System.Text.Encoding.UTF8.GetString(PoshDocumentWriter.Write(new FingerprintsDocument
        {
            Fingerprints = certificates.Select(FingerprintDescriptor.FromCertificate).ToList(),
            Expires = expires,
        }));

    private static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(SHA256.HashData(certificate.RawData));
}
