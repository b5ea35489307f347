using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Integration;

/// <summary>
/// Inbound s2s (XEP-0178, RFC 6120 §13.7.2.1): a peer server presents the hoster's certificate for the
/// <c>from</c> domain of its stream; the receiving side verifies it with that domain's xmpp-server POSH material.
/// </summary>
[Collection(TestWorldGroup.Name)]
public sealed class PoshCertificateValidatorWorldTests(TestWorld world)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task VerifyInboundAsync_FromDomainDelegatesToTheHoster_AcceptedByPosh()
    {
        // Arrange
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        // Act
        var result = await client.Validator.VerifyInboundAsync(TestWorld.ReferenceDomain, world.HosterCertificate, chain: null, timeout.Token);

        // Assert
        Assert.True(result.IsAccepted, result.Reason);
        Assert.Equal(CertificateProofType.Posh, result.ProofType);
        Assert.Equal(PoshService.XmppServer, result.Service);
        Assert.Equal(TestWorld.ReferenceDomain, result.Domain);
        Assert.StartsWith("certificate for reference.test accepted by POSH", result.Reason, StringComparison.Ordinal);
        Assert.Contains(
            "fetched https://reference.test/.well-known/posh/xmpp-server.json → 200 reference to https://posh.hosting.test/posh/reference.test/xmpp-server.json",
            result.Reason,
            StringComparison.Ordinal);
        Assert.Contains("PKIX alone would have failed: name mismatch", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyInboundAsync_FromDomainPublishesNothing_Rejected()
    {
        // Arrange
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        // Act
        var result = await client.Validator.VerifyInboundAsync(TestWorld.MissingDomain, world.HosterCertificate, chain: null, timeout.Token);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, result.Posh?.Outcome);
        Assert.StartsWith("certificate for missing.test rejected: PKIX: name mismatch", result.Reason, StringComparison.Ordinal);
        Assert.Contains("fetched https://missing.test/.well-known/posh/xmpp-server.json → 404", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyInboundAsync_HosterDocumentForAClientOnlyDomain_NotUsedForServers()
    {
        // Arrange: redirect.test publishes (a redirect for) xmpp-client.json only; c2s material never authenticates a
        // server (RFC 7712 §9).
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        // Act
        var result = await client.Validator.VerifyInboundAsync(TestWorld.RedirectDomain, world.HosterCertificate, chain: null, timeout.Token);

        // Assert
        Assert.False(result.IsAccepted);
        Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, result.Posh?.Outcome);
        Assert.Contains("fetched https://redirect.test/.well-known/posh/xmpp-server.json → 404", result.Reason, StringComparison.Ordinal);
    }
}
