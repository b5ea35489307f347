using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>
/// The PKIX-then-POSH decision is written once (issue 12, item 7): the awaiting caller (<c>ValidateAsync</c>) and the
/// synchronous TLS callback (<c>CreateCallback</c>, after <c>Prefetch</c>) reach the same verdict, for the same reason,
/// and consult POSH in the same cases (RFC 7711 §3.3, §6; RFC 7712 §5.2, §7).
/// </summary>
public sealed class PoshCertificateValidatorDecisionTests : IDisposable
{
    private const string Domain = "tenant.test";
    private readonly TestCertificateAuthority _authority = new();

    public void Dispose() => _authority.Dispose();

    /// <summary>Certificate, what POSH answers, the expected prooftype, and whether POSH is consulted at all.</summary>
    public static TheoryData<string, PoshVerificationOutcome, CertificateProofType, bool> Cases => new()
    {
        // PKIX passes: POSH is never asked, whatever it would say.
        { "valid", PoshVerificationOutcome.Mismatch, CertificateProofType.Pkix, false },
        // A name failure is POSH's to rescue (RFC 7711 §4) ...
        { "other-name", PoshVerificationOutcome.VerifiedByPosh, CertificateProofType.Posh, true },
        { "other-name", PoshVerificationOutcome.Mismatch, CertificateProofType.None, true },
        { "other-name", PoshVerificationOutcome.NoPoshMaterial, CertificateProofType.None, true },
        // ... and so is a chain failure (RFC 7711 §3) ...
        { "self-signed", PoshVerificationOutcome.VerifiedByPosh, CertificateProofType.Posh, true },
        { "self-signed", PoshVerificationOutcome.InvalidMaterial, CertificateProofType.None, true },
        // ... but an expired certificate is not, so POSH is not consulted (RFC 7711 §6).
        { "expired", PoshVerificationOutcome.VerifiedByPosh, CertificateProofType.None, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ValidateAsyncAndCallback_SameCase_SameDecision(string certificateKind, PoshVerificationOutcome poshSays, CertificateProofType expected, bool poshConsulted)
    {
        // Arrange
        using var certificate = Certificate(certificateKind);
        var asyncPosh = FakePoshCheck.Returning(poshSays, "scripted " + poshSays);
        var syncPosh = FakePoshCheck.Returning(poshSays, "scripted " + poshSays);
        var syncValidator = Validator(syncPosh);
        syncValidator.Prefetch(Domain, PoshService.XmppClient);
        CertificateValidationResult? fromCallback = null;
        var callback = syncValidator.CreateCallback(Domain, PoshService.XmppClient, decision => fromCallback = decision);

        // Act
        var fromAsync = await Validator(asyncPosh).ValidateAsync(Domain, PoshService.XmppClient, certificate, chain: null, SslPolicyErrors.RemoteCertificateChainErrors);
        var accepted = callback(this, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors);

        // Assert
        Assert.NotNull(fromCallback);
        Assert.Equal(expected, fromAsync.ProofType);
        Assert.Equal(expected, fromCallback.ProofType);
        Assert.Equal(expected != CertificateProofType.None, accepted);
        Assert.Equal(fromAsync.Reason, fromCallback.Reason);
        Assert.Equal(fromAsync.Pkix?.Failures, fromCallback.Pkix?.Failures);
        Assert.Equal(fromAsync.Dane?.Outcome, fromCallback.Dane?.Outcome);
        Assert.Equal(poshConsulted ? 1 : 0, asyncPosh.Verifications.Count);
        Assert.Equal(poshConsulted ? 1 : 0, syncPosh.Verifications.Count);
        Assert.Equal(poshConsulted, fromAsync.Posh is not null);
        Assert.Equal(poshConsulted, fromCallback.Posh is not null);
    }

    [Fact]
    public async Task ValidateAsyncAndCallback_NoCertificate_BothRejectWithoutAskingPosh()
    {
        // Arrange
        var posh = FakePoshCheck.Matching();
        var validator = Validator(posh);
        validator.Prefetch(Domain, PoshService.XmppClient);
        CertificateValidationResult? fromCallback = null;
        var callback = validator.CreateCallback(Domain, PoshService.XmppClient, decision => fromCallback = decision);

        // Act
        var fromAsync = await validator.ValidateAsync(Domain, PoshService.XmppClient, certificate: null, chain: null, SslPolicyErrors.RemoteCertificateNotAvailable);
        var accepted = callback(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable);

        // Assert
        Assert.False(accepted);
        Assert.Equal(CertificateProofType.None, fromAsync.ProofType);
        Assert.Equal(fromAsync, fromCallback);
        Assert.Empty(posh.Verifications);
    }

    [Fact]
    public void Callback_NotPrefetched_RejectsWithoutWaitingAndSaysWhy()
    {
        // Arrange
        using var certificate = Certificate("other-name");
        var posh = FakePoshCheck.Matching();
        CertificateValidationResult? decision = null;
        var callback = Validator(posh).CreateCallback(Domain, PoshService.XmppClient, d => decision = d);

        // Act
        var accepted = callback(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch);

        // Assert
        Assert.False(accepted);
        Assert.Empty(posh.Verifications);
        Assert.Contains("Prefetch", decision?.Posh?.Reason, StringComparison.Ordinal);
    }

    private PoshCertificateValidator Validator(FakePoshCheck posh) =>
        new(posh, new PoshCertificateValidatorOptions { ChainPolicy = _authority.CreateChainPolicy() }, TimeProvider.System);

    private X509Certificate2 Certificate(string kind) => kind switch
    {
        "valid" => _authority.Issue([Domain]),
        "other-name" => _authority.Issue(["hosting.test"]),
        "self-signed" => TestCertificates.SelfSigned([Domain]),
        "expired" => _authority.Issue([Domain], notBefore: TimeProvider.System.GetUtcNow().AddDays(-2), notAfter: TimeProvider.System.GetUtcNow().AddHours(-1)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown certificate kind"),
    };
}
