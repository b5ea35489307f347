using System.Globalization;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Xmpp;

/// <summary>The connector against a real Prosody, reached through the host override (RFC 6120 §3.2.3).</summary>
public sealed class XmppConnectorProsodyTests(ProsodyFixture prosody) : IClassFixture<ProsodyFixture>
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ConnectAsync_StartTlsWithPkixValidCertificate_VerifiedByPkix()
    {
        // Arrange
        var posh = FakePoshCheck.NoMaterial(ProsodyFixture.PkixDomain);
        var connector = CreateConnector(posh);

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.PkixDomain, PoshService.XmppClient, prosody.Server.C2sPort, directTls: false);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + prosody.Server.Log);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
        Assert.Empty(posh.Verifications);
        Assert.Contains((ProsodyFixture.PkixDomain, PoshService.XmppClient), posh.Prefetches);
        Assert.NotEmpty(connection.SaslMechanisms);
        Assert.Equal(["tcp", "stream", "starttls", "tls", "certificate", "stream-after-tls"], result.Report.Steps.Select(s => s.Name).ToArray());
        Assert.Contains("DNS-ID pkix.test", result.Report.Certificate?.Pkix?.MatchedIdentifier, StringComparison.Ordinal);
        Assert.Equal(["pkix.test"], result.Report.Certificate?.Certificate?.Names.DnsNames);
    }

    [Fact]
    public async Task ConnectAsync_HosterCertificateWithoutPosh_CertificateRejectedNamingTheHoster()
    {
        // Arrange
        var posh = FakePoshCheck.NoMaterial();
        var connector = CreateConnector(posh);

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.TenantDomain, PoshService.XmppClient, prosody.Server.C2sPort, directTls: false);

        // Assert
        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Null(result.Connection);
        Assert.StartsWith("certificate for tenant.test rejected: PKIX: name mismatch (certificate names hosting.test", result.Reason, StringComparison.Ordinal);
        Assert.Contains("POSH: no material (404 at https://tenant.test/", result.Reason, StringComparison.Ordinal);
        Assert.Equal(PkixFailures.NameMismatch, result.Report.Certificate?.Pkix?.Failures);
        Assert.Equal(CertificateProofType.None, result.Report.ProofType);
        Assert.DoesNotContain(result.Report.Steps, s => string.Equals(s.Name, "stream-after-tls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_HosterCertificateWithPoshMatch_VerifiedByPosh()
    {
        // Arrange
        var posh = FakePoshCheck.Matching();
        var connector = CreateConnector(posh);

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.TenantDomain, PoshService.XmppClient, prosody.Server.C2sPort, directTls: false);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + prosody.Server.Log);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        var verification = Assert.Single(posh.Verifications);
        Assert.Equal(ProsodyFixture.TenantDomain, verification.Domain);
        Assert.Equal(prosody.TenantCertificate.RawData, verification.Certificate.RawData);
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Report.Certificate?.Posh?.Outcome);
        Assert.NotEmpty(connection.SaslMechanisms);
    }

    [Fact]
    public async Task ConnectAsync_DirectTlsPort_VerifiedByPkixWithSni()
    {
        // Arrange
        var connector = CreateConnector(FakePoshCheck.NoMaterial(ProsodyFixture.PkixDomain));

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.PkixDomain, PoshService.XmppClient, prosody.Server.C2sDirectTlsPort, directTls: true);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + prosody.Server.Log);
        await using var connection = result.Connection;
        Assert.Equal(["tcp", "tls", "certificate", "stream-after-tls"], result.Report.Steps.Select(s => s.Name).ToArray());
        Assert.True(result.Report.Endpoint?.DirectTls);
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
    }

    [Fact]
    public async Task ConnectAsync_DirectTlsWithHosterCertificateAndPoshMatch_VerifiedByPosh()
    {
        // Arrange
        var connector = CreateConnector(FakePoshCheck.Matching());

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.TenantDomain, PoshService.XmppClient, prosody.Server.C2sDirectTlsPort, directTls: true);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + prosody.Server.Log);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal(["hosting.test"], result.Report.Certificate?.Certificate?.Names.DnsNames);
    }

    [Fact]
    public async Task ConnectAsync_ServerToServerWithFromAndTo_StreamFeaturesReadAfterTls()
    {
        // Arrange
        var posh = FakePoshCheck.NoMaterial(ProsodyFixture.PkixDomain);
        var connector = CreateConnector(posh);

        // Act
        var result = await ConnectAsync(connector, ProsodyFixture.PkixDomain, PoshService.XmppServer, prosody.Server.S2sPort, directTls: false, from: "peer.test");

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + prosody.Server.Log);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
        Assert.Contains((ProsodyFixture.PkixDomain, PoshService.XmppServer), posh.Prefetches);
        Assert.False(string.IsNullOrEmpty(connection.StreamId));
    }

    private XmppConnector CreateConnector(FakePoshCheck posh)
    {
        var validator = new PoshCertificateValidator(posh, new PoshCertificateValidatorOptions { ChainPolicy = prosody.Authority.CreateChainPolicy() }, TimeProvider.System);
        return new XmppConnector(new FakeXmppDns(), validator, TimeProvider.System, logger: null, random: null);
    }

    private async Task<XmppConnectResult> ConnectAsync(XmppConnector connector, string domain, PoshService service, int port, bool directTls, string? from = null)
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        return await connector.ConnectAsync(
            domain,
            service,
            new XmppConnectOptions
            {
                Host = prosody.Server.Address.ToString(),
                Port = port,
                DirectTls = directTls,
                From = from,
            },
            cts.Token);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Prosody at {prosody.Server.Address}");
}
