using PoshClient.Dane;
using PoshClient.Documents;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Integration;

/// <summary>
/// DANE (RFC 7712 §5.1, RFC 7673, RFC 7671, RFC 6698), secure delegation (RFC 7712 §6) and the decision order
/// (RFC 7712 §7) against signed zones, a validating unbound and Prosody: see <see cref="DaneWorld"/>.
/// </summary>
[Collection(DaneWorldGroup.Name)]
public sealed class DaneWorldTests(DaneWorld world)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConnectAsync_DaneEeMatchWithoutPoshDocument_AcceptedByDane()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await client.ConnectAsync(DaneWorld.EeDomain);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Dane, result.Report.ProofType);
        var dane = result.Report.Certificate?.Dane;
        Assert.NotNull(dane);
        Assert.Equal(DaneOutcome.Verified, dane.Outcome);
        Assert.Equal(TlsaRecords.DaneEeSpkiSha256(world.HosterCertificate), dane.MatchedRecord);
        Assert.Equal(DnssecStatus.Secure, dane.SrvDnssec);
        Assert.Equal(DnssecStatus.Secure, dane.TlsaDnssec);
        Assert.Null(result.Report.Certificate?.Posh);
        Assert.Contains(result.Report.Steps, s => s.Name == "dane" && s.Detail.Contains("[DNSSEC secure]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_TlsaMismatchAlthoughPoshIsValid_Rejected()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.MismatchDomain);

        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        var certificate = result.Report.Certificate;
        Assert.NotNull(certificate);
        Assert.Equal(DaneOutcome.Mismatch, certificate.Dane?.Outcome);
        Assert.Null(certificate.Posh);
        Assert.Contains("POSH not consulted", certificate.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_TlsaRecordAlteredAfterSigning_FailsClosed()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.BogusDomain);

        Assert.Equal(XmppConnectStatus.DnssecFailed, result.Status);
        Assert.Contains("DNSSEC bogus", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Report.Steps, s => s.Name == "tcp");
    }

    [Fact]
    public async Task ConnectAsync_ExpiredSignatures_FailsClosedWithoutFallback()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.ExpiredDomain);

        Assert.Equal(XmppConnectStatus.DnssecFailed, result.Status);
        Assert.Contains("DNSSEC bogus", result.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Report.Attempts);
    }

    [Fact]
    public async Task ConnectAsync_UnsignedZone_IgnoresTlsaAndFallsBackToPosh()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.PlainDomain);

        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal(DaneOutcome.NotApplicable, result.Report.Certificate?.Dane?.Outcome);
        Assert.Equal(DnssecStatus.Insecure, result.Report.Certificate?.Dane?.SrvDnssec);
    }

    [Fact]
    public async Task ConnectAsync_DaneTaAnchorNotTrustedByPkix_AcceptedByDane()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.TaDomain);

        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Dane, result.Report.ProofType);
        Assert.Equal(TlsaRecords.DaneTa, result.Report.Certificate?.Dane?.MatchedRecord?.Usage);
        Assert.False(result.Report.Certificate?.Pkix?.IsValid);
    }

    [Fact]
    public async Task ConnectAsync_OnlyUnusableTlsaRecords_FallsBackToPosh()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.UnusableDomain);

        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        var dane = result.Report.Certificate?.Dane;
        Assert.Equal(DaneOutcome.NoUsableRecords, dane?.Outcome);
        Assert.Equal(4, dane?.Records.Count);
        Assert.Contains("unknown certificate usage 4", dane?.Reason, StringComparison.Ordinal);
        Assert.Contains("unknown selector 2", dane?.Reason, StringComparison.Ordinal);
        Assert.Contains("unknown matching type 3", dane?.Reason, StringComparison.Ordinal);
        Assert.Contains("a SHA-256 digest of 16 bytes", dane?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_SecureSrvAndCertificateForTheTarget_AcceptedByPkixThroughSecureDelegation()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.DelegatedDomain);

        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
        Assert.Contains("DNSSEC-secure SRV target xmpp.dane.test", result.Report.Certificate?.Pkix?.MatchedIdentifier, StringComparison.Ordinal);
        Assert.Equal(["xmpp.dane.test"], result.Report.Certificate?.Dane?.DelegatedNames);
    }

    [Fact]
    public async Task ConnectAsync_InsecureSrvToTheHoster_NoDelegationAndRejected()
    {
        using var client = world.CreateClient();

        var result = await client.ConnectAsync(DaneWorld.PlainDelegatedDomain);

        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Contains("name mismatch", result.Report.Certificate?.Pkix?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_AdBitFromAResolverNotTrusted_Ignored()
    {
        // Arrange: the same unbound, but loopback resolvers are not trusted, so its AD bit counts for nothing.
        using var client = world.CreateClient(trustLoopbackResolvers: false);

        // Act
        var mismatch = await client.ConnectAsync(DaneWorld.MismatchDomain);
        var daneOnly = await client.ConnectAsync(DaneWorld.EeDomain);

        // Assert: DANE does not apply, so POSH accepts the one and nothing accepts the other.
        Assert.True(mismatch.IsConnected, mismatch.Reason + "\n" + world.Logs);
        await using var connection = mismatch.Connection;
        Assert.Equal(CertificateProofType.Posh, mismatch.Report.ProofType);
        Assert.Equal(DnssecStatus.Insecure, mismatch.Report.Certificate?.Dane?.SrvDnssec);
        Assert.Contains(mismatch.Report.Steps, s => s.Detail.Contains("AD ignored (resolver not trusted)", StringComparison.Ordinal));
        Assert.Equal(XmppConnectStatus.CertificateRejected, daneOnly.Status);
    }

    [Fact]
    public async Task VerifyInboundAsync_PeerWithDaneEe_AcceptedByDane()
    {
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        var accepted = await client.Validator.VerifyInboundAsync(DaneWorld.EeDomain, world.HosterCertificate, chain: null, timeout.Token);
        var rejected = await client.Validator.VerifyInboundAsync(DaneWorld.MismatchDomain, world.HosterCertificate, chain: null, timeout.Token);

        Assert.Equal(CertificateProofType.Dane, accepted.ProofType);
        Assert.Contains($"_{world.Prosody.S2sPort}._tcp.t-ee.dane.test", accepted.Dane?.TlsaNames ?? []);
        Assert.Equal(CertificateProofType.None, rejected.ProofType);
        Assert.Equal(DaneOutcome.Mismatch, rejected.Dane?.Outcome);
        Assert.Null(rejected.Posh);
    }

    [Fact]
    public async Task CanPiggybackAsync_DomainsOnTheSameProsodyEndpoint_AllowedOnlyWithAProof()
    {
        // Arrange: an s2s stream to ee.dane.test; Prosody hosts ee2, delegated and mismatch on the same endpoint.
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var existing = await client.ConnectAsync(DaneWorld.EeDomain, PoshService.XmppServer, new XmppConnectOptions { From = DaneWorld.PeerDomain });
        Assert.True(existing.IsConnected, existing.Reason + "\n" + world.Logs);
        await using var connection = existing.Connection;

        // Act
        var ee2 = await client.Connector.CanPiggybackAsync(existing, DaneWorld.Ee2Domain, timeout.Token);
        var delegated = await client.Connector.CanPiggybackAsync(existing, DaneWorld.DelegatedDomain, timeout.Token);
        var mismatch = await client.Connector.CanPiggybackAsync(existing, DaneWorld.MismatchDomain, timeout.Token);
        var elsewhere = await client.Connector.CanPiggybackAsync(existing, DaneWorld.ElsewhereDomain, timeout.Token);

        // Assert
        Assert.True(ee2.IsAllowed, ee2.Reason);
        Assert.Equal(CertificateProofType.Dane, ee2.Certificate?.ProofType);
        Assert.True(delegated.IsAllowed, delegated.Reason);
        Assert.Equal(CertificateProofType.Pkix, delegated.Certificate?.ProofType);
        Assert.False(mismatch.IsAllowed, mismatch.Reason);
        Assert.Equal(DaneOutcome.Mismatch, mismatch.Certificate?.Dane?.Outcome);
        Assert.False(elsewhere.IsAllowed, elsewhere.Reason);
        Assert.Contains("does not resolve to the connected endpoint", elsewhere.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPiggybackedInboundAsync_FurtherDomainProvenByTheStreamCertificate_NeedsNoDialback()
    {
        // Arrange: the certificate Prosody presents on a live stream for ee.dane.test (it hosts ee2.dane.test too).
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var stream = await client.ConnectAsync(DaneWorld.EeDomain, PoshService.XmppServer, new XmppConnectOptions { From = DaneWorld.PeerDomain });
        Assert.True(stream.IsConnected, stream.Reason + "\n" + world.Logs);
        await using var connection = stream.Connection;
        var presented = connection!.Stream.RemoteCertificate;

        // Act
        var ee2 = await client.Validator.VerifyPiggybackedInboundAsync(DaneWorld.Ee2Domain, presented, chain: null, timeout.Token);
        var mismatch = await client.Validator.VerifyPiggybackedInboundAsync(DaneWorld.MismatchDomain, presented, chain: null, timeout.Token);

        // Assert
        Assert.True(ee2.IsAllowed, ee2.Reason);
        Assert.Contains("without dialback", ee2.Reason, StringComparison.Ordinal);
        Assert.False(mismatch.IsAllowed, mismatch.Reason);
        Assert.Contains("verify it by dialback", mismatch.Reason, StringComparison.Ordinal);
    }
}
