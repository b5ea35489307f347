using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>The decision: PKIX first, POSH only for chain or name failures (RFC 7711 §3, §6; RFC 7712 §5.2).</summary>
public sealed class PoshCertificateValidatorTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();

    public void Dispose() => _authority.Dispose();

    [Fact]
    public async Task ValidateAsync_PkixValid_AcceptedWithoutAskingPosh()
    {
        // Arrange
        using var certificate = _authority.Issue(["example.test"]);
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await Validator(posh).ValidateAsync("example.test", PoshService.XmppClient, certificate, chain: null, SslPolicyErrors.None);

        // Assert
        Assert.Equal(CertificateProofType.Pkix, result.ProofType);
        Assert.Empty(posh.Verifications);
        Assert.Null(result.Posh);
    }

    [Fact]
    public async Task ValidateAsync_NameMismatchAndPoshMatch_AcceptedByPoshForTheDomain()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await Validator(posh).ValidateAsync("Tenant.Test", PoshService.XmppClient, certificate, chain: null, SslPolicyErrors.RemoteCertificateNameMismatch);

        // Assert
        Assert.Equal(CertificateProofType.Posh, result.ProofType);
        Assert.Equal("tenant.test", result.Domain);
        var asked = Assert.Single(posh.Verifications);
        Assert.Equal(("tenant.test", PoshService.XmppClient), (asked.Domain, asked.Service));
        Assert.Equal(PkixFailures.NameMismatch, result.Pkix?.Failures);
    }

    [Fact]
    public async Task ValidateAsync_SelfSignedAndPoshMismatch_RejectedWithBothReasons()
    {
        // Arrange
        using var certificate = TestCertificates.SelfSigned(["example.test"]);
        var posh = FakePoshCheck.Returning(PoshVerificationOutcome.Mismatch, "no descriptor matches sha-256 AAAA");

        // Act
        var result = await Validator(posh).ValidateAsync("example.test", PoshService.XmppServer, certificate, chain: null, SslPolicyErrors.RemoteCertificateChainErrors);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.StartsWith("certificate for example.test rejected: PKIX: untrusted root", result.Reason, StringComparison.Ordinal);
        Assert.EndsWith("POSH: fingerprint mismatch (no descriptor matches sha-256 AAAA)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_ExpiredCertificate_RejectedWithoutAskingPosh()
    {
        // Arrange
        var now = DateTimeOffset.UtcNow;
        using var certificate = _authority.Issue(["hosting.test"], now.AddDays(-10), now.AddDays(-1));
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await Validator(posh).ValidateAsync("tenant.test", PoshService.XmppClient, certificate, chain: null, SslPolicyErrors.RemoteCertificateChainErrors);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.Empty(posh.Verifications);
        Assert.Contains("POSH cannot rescue", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_NoCertificate_RejectedWithoutAskingPosh()
    {
        // Arrange
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await Validator(posh).ValidateAsync("example.test", PoshService.XmppClient, certificate: null, chain: null, SslPolicyErrors.RemoteCertificateNotAvailable);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.Empty(posh.Verifications);
        Assert.Contains("presented no certificate", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_PoshNeverAnswers_RejectedAfterPoshTimeout()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var posh = new FakePoshCheck(async (_, _, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var validator = new PoshCertificateValidator(posh, new PoshCertificateValidatorOptions { ChainPolicy = _authority.CreateChainPolicy(), PoshTimeout = TimeSpan.FromSeconds(1) }, TimeProvider.System);

        // Act
        var result = await validator.ValidateAsync("tenant.test", PoshService.XmppClient, certificate, chain: null, SslPolicyErrors.None);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.Contains("POSH: no material (no result within 1 s)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyInboundAsync_PeerCertificate_CheckedForFromDomainAsXmppServer()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await Validator(posh).VerifyInboundAsync("origin.test", certificate, chain: null);

        // Assert
        Assert.Equal(CertificateProofType.Posh, result.ProofType);
        Assert.Equal(("origin.test", PoshService.XmppServer), (posh.Verifications.Single().Domain, posh.Verifications.Single().Service));
    }

    [Fact]
    public void CreateCallback_NotPrefetched_RejectsWithoutPosh()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var posh = FakePoshCheck.Matching();
        CertificateValidationResult? decision = null;
        var callback = Validator(posh).CreateCallback("tenant.test", PoshService.XmppClient, r => decision = r);

        // Act
        var accepted = callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch);

        // Assert
        Assert.False(accepted);
        Assert.Empty(posh.Verifications);
        Assert.Contains("call Prefetch", decision?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateCallback_Prefetched_AcceptsByPosh()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var posh = FakePoshCheck.Matching();
        var validator = Validator(posh);
        validator.Prefetch("tenant.test", PoshService.XmppClient);
        var callback = validator.CreateCallback("tenant.test", PoshService.XmppClient);

        // Act
        var accepted = callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch);

        // Assert
        Assert.True(accepted);
        Assert.Single(posh.Prefetches);
    }

    [Fact]
    public async Task ValidateAsync_IntermediateInCallbackChain_UsedForPathBuilding()
    {
        // Arrange: root → intermediate → leaf; only the root is trusted, the peer sends the intermediate.
        using var root = new TestCertificateAuthority("Root");
        using var intermediate = IssueIntermediate(root);
        using var leaf = IssueLeaf(intermediate, "example.test");
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(intermediate);
        var validator = new PoshCertificateValidator(FakePoshCheck.NoMaterial(), new PoshCertificateValidatorOptions { ChainPolicy = root.CreateChainPolicy() }, TimeProvider.System);

        // Act
        var withIntermediate = await validator.ValidateAsync("example.test", PoshService.XmppClient, leaf, chain, SslPolicyErrors.None);
        var without = await validator.ValidateAsync("example.test", PoshService.XmppClient, leaf, chain: null, SslPolicyErrors.None);

        // Assert
        Assert.Equal(CertificateProofType.Pkix, withIntermediate.ProofType);
        Assert.True(without.Pkix?.Failures.HasFlag(PkixFailures.UntrustedRoot), without.Reason);
    }

    [Fact]
    public void Issue14_PrefetchOfManyDomains_StaysAtItsBound_AndKeepsTheNewest()
    {
        // Arrange: the domains a peer can make this side connect to.
        using var certificate = _authority.Issue(["hosting.test"]);
        var validator = Validator(FakePoshCheck.Matching());

        // Act
        for (var i = 0; i <= PoshCertificateValidator.MaxPrefetched; i++)
        {
            validator.Prefetch($"d{i}.test", PoshService.XmppServer);
            Assert.True(validator.PrefetchedCount <= PoshCertificateValidator.MaxPrefetched);
        }

        // Assert: the newest still has its material for the callback; the oldest was dropped.
        var newest = validator.CreateCallback($"d{PoshCertificateValidator.MaxPrefetched}.test", PoshService.XmppServer);
        var oldest = validator.CreateCallback("d0.test", PoshService.XmppServer);
        Assert.True(newest(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(oldest(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void Issue14_PrefetchPastItsLifetime_IsForgotten()
    {
        // Arrange
        using var certificate = _authority.Issue(["hosting.test"]);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var validator = new PoshCertificateValidator(FakePoshCheck.Matching(), new PoshCertificateValidatorOptions { ChainPolicy = _authority.CreateChainPolicy() }, time);
        validator.Prefetch("tenant.test", PoshService.XmppClient);
        var callback = validator.CreateCallback("tenant.test", PoshService.XmppClient);
        Assert.True(callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));

        // Act
        time.Advance(PoshCertificateValidator.PrefetchLifetime);

        // Assert
        Assert.False(callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    private PoshCertificateValidator Validator(FakePoshCheck posh) =>
        new(posh, new PoshCertificateValidatorOptions { ChainPolicy = _authority.CreateChainPolicy() }, TimeProvider.System);

    private static X509Certificate2 IssueIntermediate(TestCertificateAuthority root)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Intermediate", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root.Certificate, true, false));
        using var rootKey = root.Certificate.GetECDsaPrivateKey();
        using var issued = request.Create(root.Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 IssueLeaf(X509Certificate2 issuer, string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = TestCertificates.CreateLeafRequest(key, [name]);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [5, 6, 7, 8]);
    }
}
