using System.Net;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>RFC 6120 §3.2 resolution with XEP-0368 records, against a table-driven DNS seam.</summary>
public sealed class XmppEndpointPlannerTests
{
    private const string Domain = "example.test";

    [Fact]
    public async Task PlanAsync_SingleDotTarget_ServiceNotOfferedWithoutFallback()
    {
        // Arrange
        var dns = new FakeXmppDns();
        dns.Srv["_xmpp-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record(".", 0));

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions());

        // Assert
        Assert.True(plan.ServiceNotOffered);
        Assert.Empty(plan.Endpoints);
        Assert.DoesNotContain(dns.Queries, q => q.StartsWith("A/AAAA", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PoshService.XmppClient, 5222)]
    [InlineData(PoshService.XmppServer, 5269)]
    public async Task PlanAsync_NoSrvRecords_DomainOnDefaultPortWithStartTls(PoshService service, int port)
    {
        // Arrange
        var dns = new FakeXmppDns();

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions(), service);

        // Assert
        var endpoint = Assert.Single(plan.Endpoints);
        Assert.Equal((Domain, port, false), (endpoint.Host, endpoint.Port, endpoint.DirectTls));
        var prefix = service == PoshService.XmppClient ? "client" : "server";
        Assert.Equal([$"SRV _xmpp-{prefix}._tcp.example.test", $"SRV _xmpps-{prefix}._tcp.example.test"], dns.Queries.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task PlanAsync_DirectTlsDotAndNoStartTlsRecords_StartTlsFallbackOnly()
    {
        // Arrange: "." for _xmpps-* only says direct TLS is not offered (XEP-0368).
        var dns = new FakeXmppDns();
        dns.Srv["_xmpps-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record(".", 0));

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions());

        // Assert
        var endpoint = Assert.Single(plan.Endpoints);
        Assert.False(endpoint.DirectTls);
        Assert.Equal(5222, endpoint.Port);
    }

    [Fact]
    public async Task PlanAsync_HostOverride_NoDnsQueries()
    {
        // Arrange
        var dns = new FakeXmppDns();

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions { Host = "xmpp.hoster.test", Port = 5223, DirectTls = true });

        // Assert
        var endpoint = Assert.Single(plan.Endpoints);
        Assert.Equal(("xmpp.hoster.test", 5223, true, "override"), (endpoint.Host, endpoint.Port, endpoint.DirectTls, endpoint.Origin));
        Assert.Empty(dns.Queries);
    }

    [Fact]
    public async Task PlanAsync_BothRecordSets_OneOrderingByPriority()
    {
        // Arrange
        var dns = new FakeXmppDns();
        dns.Srv["_xmpp-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("starttls.test", 5222, priority: 10), FakeXmppDns.Record("late.test", 5222, priority: 30));
        dns.Srv["_xmpps-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("direct.test", 443, priority: 20), FakeXmppDns.Record(".", 0, priority: 5));

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions());

        // Assert
        Assert.Equal(["starttls.test:5222:False", "direct.test:443:True", "late.test:5222:False"], plan.Endpoints.Select(e => $"{e.Host}:{e.Port}:{e.DirectTls}").ToArray());
    }

    [Fact]
    public async Task PlanAsync_PreferDirectTls_DirectTlsFirstWhateverThePriority()
    {
        // Arrange
        var dns = new FakeXmppDns();
        dns.Srv["_xmpp-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("starttls.test", 5222, priority: 0));
        dns.Srv["_xmpps-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("direct.test", 443, priority: 50));

        // Act
        var plan = await PlanAsync(dns, new XmppConnectOptions { TransportPreference = XmppTransportPreference.PreferDirectTls });

        // Assert
        Assert.Equal(["direct.test", "starttls.test"], plan.Endpoints.Select(e => e.Host).ToArray());
    }

    [Fact]
    public async Task ConnectAsync_ServiceNotOffered_ResultSaysSo()
    {
        // Arrange
        var dns = new FakeXmppDns();
        dns.Srv["_xmpp-server._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record(".", 0));
        var connector = Connector(dns);

        // Act
        var result = await connector.ConnectAsync(Domain, PoshService.XmppServer);

        // Assert
        Assert.Equal(XmppConnectStatus.ServiceNotOffered, result.Status);
        Assert.Contains("does not offer xmpp-server", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_EverySrvTargetRefuses_ReasonListsEachAddressAndNoFallback()
    {
        // Arrange
        var dns = new FakeXmppDns();
        var first = FreePort.Tcp();
        var second = FreePort.Tcp();
        dns.Srv["_xmpp-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("a.test", first, priority: 1), FakeXmppDns.Record("b.test", second, priority: 2));
        dns.Hosts["a.test"] = [IPAddress.Loopback];
        dns.Hosts["b.test"] = [IPAddress.Loopback];
        var connector = Connector(dns);

        // Act
        var result = await connector.ConnectAsync(Domain, PoshService.XmppClient);

        // Assert
        Assert.Equal(XmppConnectStatus.ConnectFailed, result.Status);
        Assert.Equal($"no endpoint accepted a connection: 127.0.0.1:{first} connection refused; 127.0.0.1:{second} connection refused", result.Reason);
        Assert.DoesNotContain(dns.Queries, q => string.Equals(q, "A/AAAA example.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_TargetWithoutAddress_NextTargetTried()
    {
        // Arrange
        var dns = new FakeXmppDns();
        var port = FreePort.Tcp();
        dns.Srv["_xmpp-client._tcp.example.test"] = FakeXmppDns.Records(FakeXmppDns.Record("gone.test", 5222, priority: 1), FakeXmppDns.Record("b.test", port, priority: 2));
        dns.Hosts["b.test"] = [IPAddress.Loopback];

        // Act
        var result = await Connector(dns).ConnectAsync(Domain, PoshService.XmppClient);

        // Assert
        Assert.Equal(XmppConnectStatus.ConnectFailed, result.Status);
        Assert.Equal(2, result.Report.Attempts.Count);
        Assert.Equal(XmppConnectStatus.ResolutionFailed, result.Report.Attempts[0].Status);
        Assert.Contains("gone.test: no address (NameError)", result.Reason, StringComparison.Ordinal);
    }

    private static Task<XmppEndpointPlan> PlanAsync(FakeXmppDns dns, XmppConnectOptions options, PoshService service = PoshService.XmppClient) =>
        new XmppEndpointPlanner(dns, new Random(1)).PlanAsync(Domain, service, options, new ConnectStepRecorder(TimeProvider.System), CancellationToken.None);

    private static XmppConnector Connector(FakeXmppDns dns) =>
        new(dns, new PoshCertificateValidator(FakePoshCheck.NoMaterial(Domain), options: null, TimeProvider.System), TimeProvider.System, logger: null, new Random(1));
}
