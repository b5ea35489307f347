using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PoshClient.Dns;

namespace PoshClient.Tests.Dns;

/// <summary>The resolver against a real DNS server (dnsmasq) on loopback.</summary>
[Collection(DnsmasqTestGroup.Name)]
public sealed class DnsResolverDnsmasqTests(DnsResolverDnsmasqFixture fixture)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ResolveSrvAsync_ExistingService_ReturnsEveryRecordWithTtlAndAdditionalAddresses()
    {
        var result = await Resolver().ResolveSrvAsync("_xmpp-client._tcp.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        var ttl = TimeSpan.FromSeconds(300);
        Assert.Equal(
            [
                new SrvRecord { Priority = 0, Weight = 5, Port = 5222, Target = "xmpp.t.test", TimeToLive = ttl },
                new SrvRecord { Priority = 10, Weight = 0, Port = 5223, Target = "backup.t.test", TimeToLive = ttl },
            ],
            result.Records.OrderBy(r => r.Priority));
        Assert.False(result.ServiceNotOffered);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], result.AdditionalAddresses["XMPP.t.test"]);
    }

    [Fact]
    public async Task ResolveSrvAsync_DotTarget_ReportsServiceNotOffered()
    {
        var result = await Resolver().ResolveSrvAsync("_xmpps-client._tcp.t.test.").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal(".", Assert.Single(result.Records).Target);
        Assert.True(result.ServiceNotOffered);
        Assert.Empty(SrvOrdering.Order(result.Records));
    }

    [Fact]
    public async Task ResolveSrvAsync_UnknownName_IsNameError()
    {
        var result = await Resolver().ResolveSrvAsync("_xmpp-server._tcp.nope.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.NameError, result.Status);
        Assert.Empty(result.Records);
    }

    [Fact]
    public async Task ResolveSrvAsync_NameWithOnlyAddresses_IsNoData()
    {
        var result = await Resolver().ResolveSrvAsync("v4only.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.NoData, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_NameOutsideTheServersZones_IsServerFailure()
    {
        // dnsmasq has no upstream, so it answers REFUSED for other domains.
        var result = await Resolver().ResolveSrvAsync("_xmpp-client._tcp.example.invalid").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.ServerFailure, result.Status);
    }

    [Fact]
    public async Task ResolveSrvAsync_AnswerLargerThanTheUdpPayload_ArrivesCompleteOverTcp()
    {
        var logger = new FakeLogger();

        var result = await Resolver(logger).ResolveSrvAsync("_big._tcp.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal(
            Enumerable.Range(1, DnsResolverDnsmasqFixture.BigSrvSetSize).Select(DnsResolverDnsmasqFixture.BigSrvTarget).Order(StringComparer.Ordinal),
            result.Records.Select(r => r.Target).Order(StringComparer.Ordinal));
        var retry = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Name == "DnsTcpRetry");
        Assert.Equal(LogLevel.Debug, retry.Level);
        Assert.Equal("_big._tcp.t.test", retry.GetStructuredStateValue("Name"));
    }

    [Fact]
    public async Task ResolveAddressesAsync_DualStackName_ReturnsIpv6ThenIpv4()
    {
        var result = await Resolver().ResolveAddressesAsync("xmpp.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_Ipv4OnlyName_ReturnsTheIpv4Address()
    {
        var result = await Resolver().ResolveAddressesAsync("v4only.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.Success, result.Status);
        Assert.Equal([IPAddress.Parse("127.0.0.2")], result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_Alias_FollowsTheCName()
    {
        var result = await Resolver().ResolveAddressesAsync("alias.t.test").WaitAsync(s_bound);

        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_InternationalizedName_QueriesThePunycodeForm()
    {
        var result = await Resolver().ResolveAddressesAsync("Bücher.t.test").WaitAsync(s_bound);

        Assert.Equal([IPAddress.Parse("127.0.0.3")], result.Addresses);
    }

    [Fact]
    public async Task ResolveAddressesAsync_UnknownName_IsNameError()
    {
        var result = await Resolver().ResolveAddressesAsync("nope.t.test").WaitAsync(s_bound);

        Assert.Equal(DnsResponseStatus.NameError, result.Status);
        Assert.Empty(result.Addresses);
    }

    [Fact]
    public async Task ConnectAsync_FirstAddressRefuses_ConnectsToTheNext()
    {
        // web.t.test has ::1 and 127.0.0.1; only the IPv4 loopback listens on this port.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var socket = await Resolver().ConnectAsync("web.t.test", port).WaitAsync(s_bound);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.RemoteEndPoint);
    }

    [Fact]
    public async Task ConnectAsync_UnknownName_ThrowsHostNotFound()
    {
        var ex = await Assert.ThrowsAsync<SocketException>(() => Resolver().ConnectAsync("nope.t.test", 443).WaitAsync(s_bound));

        Assert.Equal(SocketError.HostNotFound, ex.SocketErrorCode);
        Assert.Contains("nope.t.test", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateHttpConnectCallback_HttpClient_ReachesTheServerByItsDnsName()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = ServeOneHttpResponseAsync(listener);
        using var handler = new SocketsHttpHandler { ConnectCallback = Resolver().CreateHttpConnectCallback() };
        using var client = new HttpClient(handler);

        var body = await client.GetStringAsync(new Uri($"http://web.t.test:{port}/.well-known/posh/xmpp-client.json")).WaitAsync(s_bound);

        Assert.Equal("ok", body);
        var request = await serving.WaitAsync(s_bound);
        Assert.Contains($"Host: web.t.test:{port}", request, StringComparison.Ordinal);
    }

    private static async Task<string> ServeOneHttpResponseAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
        return request.ToString();
    }

    private DnsResolver Resolver(FakeLogger? logger = null)
    {
        var options = new DnsResolverOptions { AttemptTimeout = TimeSpan.FromSeconds(5), Attempts = 2 };
        options.Servers.Add(fixture.Server.EndPoint);
        return new DnsResolver(options, TimeProvider.System, logger);
    }
}
