using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Xmpp;

/// <summary>STARTTLS and direct TLS transcripts replayed by a scripted server (RFC 6120 §5.4, XEP-0368).</summary>
public sealed class XmppTlsNegotiatorTests : IDisposable
{
    private const string Domain = "example.test";
    private const string ServerHeader =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='example.test' version='1.0'>";

    private const string StartTlsFeatures =
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

    private const string SaslFeatures =
        "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

    private readonly TestCertificateAuthority _authority = new();

    public void Dispose() => _authority.Dispose();

    [Fact]
    public async Task ConnectAsync_StartTlsTranscript_ConnectsAndSendsFreshHeaderOverTls()
    {
        // Arrange
        using var certificate = _authority.Issue([Domain]);
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(ServerHeader + StartTlsFeatures, ct);
            await session.ReadUntilAsync("/>", ct);
            // <proceed/> and nothing after it: the next bytes are the client's ClientHello.
            await session.WriteAsync("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", ct);
            await session.StartTlsAsync(certificate, ct);
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(ServerHeader.Replace("id='s1'", "id='s2'", StringComparison.Ordinal) + SaslFeatures, ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: false);

        // Assert
        Assert.True(result.IsConnected, result.Reason);
        await using var connection = result.Connection;
        Assert.Equal("s2", connection.StreamId);
        Assert.Equal(["SCRAM-SHA-1", "PLAIN"], connection.SaslMechanisms);
        Assert.Equal(Domain, server.ClientSni);
        var sent = server.Received.ToString();
        Assert.Contains("to='example.test'", sent, StringComparison.Ordinal);
        Assert.Contains("xmlns='jabber:client'", sent, StringComparison.Ordinal);
        Assert.Contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", sent, StringComparison.Ordinal);
        Assert.Null(server.NegotiatedAlpn is { } alpn && alpn != default ? alpn : null);
    }

    [Theory]
    [InlineData("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>", "does not offer STARTTLS")]
    [InlineData("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>no such host</text></stream:error>", "stream error <host-unknown/>: no such host")]
    [InlineData("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<failure/>")]
    [InlineData("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "expected <proceed/>")]
    [InlineData("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features></stream:stream>", "closed the stream")]
    [InlineData("<stream:features><!-- hi --></stream:features>", "comments and DTDs are not allowed")]
    [InlineData("<stream:features><a></b></stream:features>", "malformed XML")]
    [InlineData("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>this is not a TLS record, it is plain text of some length", "TLS handshake failed")]
    public async Task ConnectAsync_ServerMisbehaves_NegotiationFailedWithReason(string afterHeader, string expected)
    {
        // Arrange
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(ServerHeader + afterHeader, ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: false);

        // Assert
        Assert.Equal(XmppConnectStatus.NegotiationFailed, result.Status);
        Assert.Contains(expected, result.Reason, StringComparison.Ordinal);
        Assert.Null(result.Connection);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\n\r\n", "expected a stream header")]
    [InlineData("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>", "not 1.0")]
    [InlineData("<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong' version='1.0'>", "expected a stream header")]
    public async Task ConnectAsync_ServerSendsNoXmppStream_NegotiationFailed(string reply, string expected)
    {
        // Arrange
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(reply + "<stream:features/>", ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: false);

        // Assert
        Assert.Equal(XmppConnectStatus.NegotiationFailed, result.Status);
        Assert.Contains(expected, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_DirectTls_SendsSniAndAlpnBeforeAnyXml()
    {
        // Arrange
        using var certificate = _authority.Issue([Domain]);
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.StartTlsAsync(certificate, ct);
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(ServerHeader + SaslFeatures, ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: true);

        // Assert
        Assert.True(result.IsConnected, result.Reason);
        await using var connection = result.Connection;
        Assert.Equal(Domain, server.ClientSni);
        Assert.Equal("xmpp-client", server.NegotiatedAlpn?.ToString());
        Assert.Equal("xmpp-client", result.Report.ApplicationProtocol);
    }

    [Fact]
    public async Task ConnectAsync_DirectTlsServerToServer_OffersXmppServerAlpn()
    {
        // Arrange
        using var certificate = _authority.Issue([Domain]);
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.StartTlsAsync(certificate, ct);
            await session.ReadUntilAsync("version='1.0'>", ct);
            await session.WriteAsync(ServerHeader.Replace("jabber:client", "jabber:server", StringComparison.Ordinal) + "<stream:features/>", ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: true, PoshService.XmppServer, from: "origin.test");

        // Assert
        Assert.True(result.IsConnected, result.Reason);
        await using var connection = result.Connection;
        Assert.Equal("xmpp-server", server.NegotiatedAlpn?.ToString());
        var sent = server.Received.ToString();
        Assert.Contains("xmlns='jabber:server'", sent, StringComparison.Ordinal);
        Assert.Contains("from='origin.test'", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CertificateRejected_NothingSentOverTls()
    {
        // Arrange
        using var certificate = _authority.Issue(["other.test"]);
        await using var server = new FakeXmppServer(async (session, ct) =>
        {
            await session.StartTlsAsync(certificate, ct);
            await session.DrainAsync(ct);
        });

        // Act
        var result = await ConnectAsync(server.Port, directTls: true);

        // Assert
        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Contains("name mismatch (certificate names other.test; expected example.test)", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Report.Steps, s => string.Equals(s.Name, "stream-after-tls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_PortRefused_ConnectFailedNamingTheAddress()
    {
        // Arrange
        var port = FreePort.Tcp();

        // Act
        var result = await ConnectAsync(port, directTls: false);

        // Assert
        Assert.Equal(XmppConnectStatus.ConnectFailed, result.Status);
        Assert.Equal($"no endpoint accepted a connection: 127.0.0.1:{port} connection refused", result.Reason);
        var attempt = Assert.Single(result.Report.Attempts);
        Assert.Equal(XmppConnectStatus.ConnectFailed, attempt.Status);
    }

    [Fact]
    public async Task ConnectAsync_ServerNeverAnswers_NegotiationFailedNamingTheStage()
    {
        // Arrange
        await using var server = new FakeXmppServer((session, ct) => session.DrainAsync(ct));
        var connector = new XmppConnector(new FakeXmppDns(), new PoshCertificateValidator(FakePoshCheck.NoMaterial(Domain), options: null, TimeProvider.System), TimeProvider.System, logger: null, random: null);

        // Act
        var result = await connector.ConnectAsync(Domain, PoshService.XmppClient, new XmppConnectOptions { Host = "127.0.0.1", Port = server.Port, NegotiationTimeout = TimeSpan.FromSeconds(1) });

        // Assert
        Assert.Equal(XmppConnectStatus.NegotiationFailed, result.Status);
        Assert.Contains("stream: no progress within 1 s", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CallerCancels_Throws()
    {
        // Arrange
        await using var server = new FakeXmppServer((session, ct) => session.DrainAsync(ct));
        var connector = new XmppConnector(new FakeXmppDns(), new PoshCertificateValidator(FakePoshCheck.NoMaterial(Domain), options: null, TimeProvider.System), TimeProvider.System, logger: null, random: null);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        // Act / Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            connector.ConnectAsync(Domain, PoshService.XmppClient, new XmppConnectOptions { Host = "127.0.0.1", Port = server.Port }, cts.Token));
    }

    private async Task<XmppConnectResult> ConnectAsync(int port, bool directTls, PoshService service = PoshService.XmppClient, string? from = null)
    {
        var validator = new PoshCertificateValidator(
            FakePoshCheck.NoMaterial(Domain),
            new PoshCertificateValidatorOptions { ChainPolicy = _authority.CreateChainPolicy() },
            TimeProvider.System);
        var connector = new XmppConnector(new FakeXmppDns(), validator, TimeProvider.System, logger: null, random: null);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await connector.ConnectAsync(
            Domain,
            service,
            new XmppConnectOptions { Host = "127.0.0.1", Port = port, DirectTls = directTls, From = from, NegotiationTimeout = TimeSpan.FromSeconds(10) },
            cts.Token);
    }
}
