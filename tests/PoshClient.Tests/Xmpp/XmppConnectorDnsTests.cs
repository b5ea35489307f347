using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>
/// End to end through DNS: a real dnsmasq publishes the SRV records of the tenant, pointing at the hoster's
/// Prosody; the real resolver finds them and the connector reaches Prosody by SRV (RFC 6120 §3.2.1, XEP-0368).
/// </summary>
public sealed class XmppConnectorDnsTests(ProsodyFixture prosody) : IClassFixture<ProsodyFixture>
{
    [Fact]
    public async Task ConnectAsync_SrvToHosterStartTls_VerifiedByPoshForTheTenant()
    {
        // Arrange
        await using var dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqRecord.Srv("_xmpp-client._tcp.tenant.test", "xmpp.hosting.test", prosody.Server.C2sPort, priority: 10),
            .. DnsmasqRecord.Addresses("xmpp.hosting.test", prosody.Server.Address),
        ]);
        var posh = FakePoshCheck.Matching();

        // Act
        var result = await ConnectAsync(dns, posh, new XmppConnectOptions());

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + dns.Output);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal("xmpp.hosting.test", result.Report.Endpoint?.Host);
        Assert.Equal("srv _xmpp-client._tcp.tenant.test", result.Report.Endpoint?.Origin);
        // The reference identity stayed the tenant's domain, never the SRV target (RFC 7711 §4, RFC 9525 §6.1.1).
        Assert.Equal("tenant.test", Assert.Single(posh.Verifications).Domain);
        Assert.Contains(result.Report.Steps, s => string.Equals(s.Name, "dns", StringComparison.Ordinal) && s.Detail.StartsWith("A/AAAA xmpp.hosting.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_DirectTlsRecordPreferred_ConnectsWithDirectTls()
    {
        // Arrange
        await using var dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqRecord.Srv("_xmpp-client._tcp.pkix.test", "xmpp.hosting.test", prosody.Server.C2sPort, priority: 10),
            DnsmasqRecord.Srv("_xmpps-client._tcp.pkix.test", "xmpp.hosting.test", prosody.Server.C2sDirectTlsPort, priority: 20),
            .. DnsmasqRecord.Addresses("xmpp.hosting.test", prosody.Server.Address),
        ]);

        // Act
        var result = await ConnectAsync(dns, FakePoshCheck.NoMaterial("pkix.test"), new XmppConnectOptions { TransportPreference = XmppTransportPreference.PreferDirectTls }, "pkix.test");

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + dns.Output);
        await using var connection = result.Connection;
        Assert.True(result.Report.Endpoint?.DirectTls);
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
    }

    [Fact]
    public async Task ConnectAsync_DotTarget_ServiceNotOffered()
    {
        // Arrange
        await using var dns = await DnsmasqServer.StartAsync([DnsmasqRecord.NoService("_xmpp-client._tcp.tenant.test")]);

        // Act
        var result = await ConnectAsync(dns, FakePoshCheck.NoMaterial(), new XmppConnectOptions());

        // Assert
        Assert.Equal(XmppConnectStatus.ServiceNotOffered, result.Status);
    }

    private async Task<XmppConnectResult> ConnectAsync(DnsmasqServer dns, FakePoshCheck posh, XmppConnectOptions options, string domain = ProsodyFixture.TenantDomain)
    {
        var resolverOptions = new DnsResolverOptions();
        resolverOptions.Servers.Add(dns.EndPoint);
        var validator = new PoshCertificateValidator(posh, new PoshCertificateValidatorOptions { ChainPolicy = prosody.Authority.CreateChainPolicy() }, TimeProvider.System);
        var connector = new XmppConnector(new DnsResolverLookup(new DnsResolver(resolverOptions)), validator, TimeProvider.System, logger: null, random: null);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await connector.ConnectAsync(domain, PoshService.XmppClient, options, cts.Token);
    }
}
