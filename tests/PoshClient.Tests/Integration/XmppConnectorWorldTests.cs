using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Integration;

/// <summary>
/// The whole handshake against the test world: SRV from dnsmasq, Prosody presenting the hoster's certificate,
/// POSH documents from PoshServer and the tenants' nginx, all over real sockets (RFC 7711, RFC 7712, RFC 6120 §3.2).
/// </summary>
[Collection(TestWorldGroup.Name)]
public sealed class XmppConnectorWorldTests(TestWorld world)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConnectAsync_CertificateNamingTheDomain_VerifiedByPkix()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.PkixDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Pkix, result.Report.ProofType);
        Assert.StartsWith("connected to pkix.test at ", result.Reason, StringComparison.Ordinal);
        Assert.Contains("certificate for pkix.test accepted by PKIX", result.Reason, StringComparison.Ordinal);
        Assert.Contains("DNS-ID pkix.test", result.Report.Certificate?.Pkix?.MatchedIdentifier, StringComparison.Ordinal);
        Assert.Null(result.Report.Certificate?.Posh);
        Assert.Equal("srv _xmpp-client._tcp.pkix.test", result.Report.Endpoint?.Origin);
        Assert.NotEmpty(connection.SaslMechanisms);
    }

    [Fact]
    public async Task ConnectAsync_TenantDocumentServedByPoshServerByHost_VerifiedByPosh()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.DirectDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Report.Certificate?.Posh?.Outcome);
        Assert.Contains("certificate for direct.test accepted by POSH", result.Reason, StringComparison.Ordinal);
        Assert.Contains("fetched https://direct.test/.well-known/posh/xmpp-client.json → 200 fingerprints (1 descriptor, expires 3600)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("PKIX alone would have failed: name mismatch", result.Reason, StringComparison.Ordinal);
        Assert.Equal(PkixFailures.NameMismatch, result.Report.Certificate?.Pkix?.Failures);
        Assert.Equal(Sha256(world.HosterCertificate), result.Report.Certificate?.Certificate?.Sha256Base64);
        Assert.Equal([TestWorld.HosterXmppName], result.Report.Certificate?.Certificate?.Names.DnsNames);
        Assert.Equal([new Uri("https://direct.test/.well-known/posh/xmpp-client.json")], client.Requests.Requests.Select(r => r.Url));
    }

    [Fact]
    public async Task ConnectAsync_ReferenceFileOnTenantWebServer_VerifiedByPoshViaPoshServer()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.ReferenceDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Contains(
            "fetched https://reference.test/.well-known/posh/xmpp-client.json → 200 reference to https://posh.hosting.test/posh/reference.test/xmpp-client.json (expires 86400) → 200 fingerprints (1 descriptor, expires 3600)",
            result.Reason,
            StringComparison.Ordinal);
        Assert.Contains("accepted for reference.test", result.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [new Uri("https://reference.test/.well-known/posh/xmpp-client.json"), new Uri("https://posh.hosting.test/posh/reference.test/xmpp-client.json")],
            client.Requests.Requests.Select(r => r.Url));

        // The report lists the documents fetched by the lookup that ran in parallel with DNS (nothing fetched twice).
        var posh = Assert.Single(result.Report.Steps, s => s.Name == "posh");
        Assert.True(posh.Succeeded);
        Assert.Contains("https://posh.hosting.test/posh/reference.test/xmpp-client.json", posh.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_RedirectOnTenantWebServer_VerifiedByPoshAfterTheRedirect()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.RedirectDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Contains(
            "fetched https://redirect.test/.well-known/posh/xmpp-client.json → 302 redirect to https://posh.hosting.test/posh/redirect.test/xmpp-client.json → 200 fingerprints",
            result.Reason,
            StringComparison.Ordinal);
        Assert.Contains("accepted for redirect.test", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_DocumentListsAnotherCertificate_CertificateRejectedByPkixAndPosh()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.MismatchDomain, PoshService.XmppClient);

        // Assert
        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Null(result.Connection);
        Assert.Equal(CertificateProofType.None, result.Report.ProofType);
        Assert.Equal(PkixFailures.NameMismatch, result.Report.Certificate?.Pkix?.Failures);
        Assert.Equal(PoshVerificationOutcome.Mismatch, result.Report.Certificate?.Posh?.Outcome);
        Assert.StartsWith("certificate for mismatch.test rejected: PKIX: name mismatch", result.Reason, StringComparison.Ordinal);
        Assert.Contains("POSH: fingerprint mismatch", result.Reason, StringComparison.Ordinal);
        Assert.Contains("fetched https://mismatch.test/.well-known/posh/xmpp-client.json → 200 fingerprints", result.Reason, StringComparison.Ordinal);
        Assert.Contains("presented certificate CN=xmpp.hosting.test sha-256 " + Sha256(world.HosterCertificate) + " matches no descriptor", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Report.Steps, s => string.Equals(s.Name, "stream-after-tls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_NoPoshPublished_CertificateRejectedWith404InTheReason()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.MissingDomain, PoshService.XmppClient);

        // Assert
        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Null(result.Connection);
        Assert.Equal(PoshVerificationOutcome.NoPoshMaterial, result.Report.Certificate?.Posh?.Outcome);
        Assert.StartsWith("certificate for missing.test rejected: PKIX: name mismatch", result.Reason, StringComparison.Ordinal);
        Assert.Contains("POSH: no material", result.Reason, StringComparison.Ordinal);
        Assert.Contains("fetched https://missing.test/.well-known/posh/xmpp-client.json → 404", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ExpiredCertificateListedInTheDocument_CertificateRejectedAsExpired()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.ExpiredDomain, PoshService.XmppClient);

        // Assert: an expired certificate is never rescued by POSH (RFC 7711 §6), so the handshake does not even consult
        // the document that lists it; the verifier's own verdict on the match is checked in PoshVerifierWorldTests.
        Assert.Equal(XmppConnectStatus.CertificateRejected, result.Status);
        Assert.Null(result.Connection);
        Assert.Equal(CertificateProofType.None, result.Report.ProofType);
        Assert.True(result.Report.Certificate?.Pkix?.Failures.HasFlag(PkixFailures.NotTimeValid), result.Reason);
        var notAfter = world.ExpiredHosterCertificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.StartsWith("certificate for expired.test rejected: PKIX: certificate expired or not yet valid (valid ", result.Reason, StringComparison.Ordinal);
        Assert.Contains($" to {notAfter}Z)", result.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(POSH cannot rescue an expired or revoked certificate)", result.Reason, StringComparison.Ordinal);
        Assert.Null(result.Report.Certificate?.Posh);
        Assert.Equal(Sha256(world.ExpiredHosterCertificate), result.Report.Certificate?.Certificate?.Sha256Base64);
    }

    [Fact]
    public async Task ConnectAsync_DirectTlsSrvOnly_VerifiedByPoshOverDirectTls()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.DirectTlsDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.True(result.Report.Endpoint?.DirectTls);
        Assert.Equal("srv _xmpps-client._tcp.directtls.test", result.Report.Endpoint?.Origin);
        Assert.Equal(world.Prosody.C2sDirectTlsPort, result.Report.RemoteAddress?.Port);
        Assert.DoesNotContain(result.Report.Steps, s => string.Equals(s.Name, "starttls", StringComparison.Ordinal));
        Assert.Contains(result.Report.Steps, s => string.Equals(s.Name, "tls", StringComparison.Ordinal) && s.Detail.Contains("SNI directtls.test", StringComparison.Ordinal));
        Assert.Contains("accepted for directtls.test", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ServerToServerWithFrom_VerifiedByPoshWithTheServerDocument()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.ReferenceDomain, PoshService.XmppServer, new XmppConnectOptions { From = TestWorld.PeerDomain });

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal(PoshService.XmppServer, result.Report.Certificate?.Service);
        Assert.Equal(world.Prosody.S2sPort, result.Report.RemoteAddress?.Port);
        Assert.Equal("srv _xmpp-server._tcp.reference.test", result.Report.Endpoint?.Origin);

        // Prosody took the stream header's from (RFC 6120 §4.7.1): it looked for peer.test's client certificate.
        Assert.True(
            await EventuallyAsync(() => world.Prosody.Log.Contains("No certificate provided by peer.test", StringComparison.Ordinal)),
            world.Prosody.Log);
        Assert.Contains(
            "fetched https://reference.test/.well-known/posh/xmpp-server.json → 200 reference to https://posh.hosting.test/posh/reference.test/xmpp-server.json",
            result.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_LowerPriorityTargetsRefuse_FallsOverToTheNextPriority()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.FailoverDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
        Assert.Equal(3, result.Report.Attempts.Count);

        // Both priority-10 targets (in weighted random order) before the priority-20 one (RFC 2782).
        var refused = result.Report.Attempts.Take(2).ToList();
        Assert.Equal(
            [TestWorld.RefusingHost1, TestWorld.RefusingHost2],
            refused.Select(a => a.Endpoint.Host).Order(StringComparer.Ordinal));
        Assert.All(refused, a =>
        {
            Assert.Equal(XmppConnectStatus.ConnectFailed, a.Status);
            Assert.Equal("connection refused", a.Error);
            Assert.Equal((ushort)10, a.Endpoint.SrvRecord?.Priority);
        });
        var connected = result.Report.Attempts[2];
        Assert.Equal(XmppConnectStatus.Connected, connected.Status);
        Assert.Equal(TestWorld.HosterXmppName, connected.Endpoint.Host);
        Assert.Equal((ushort)20, connected.Endpoint.SrvRecord?.Priority);
        Assert.Equal(2, result.Report.Steps.Count(s => string.Equals(s.Name, "tcp", StringComparison.Ordinal) && s.Detail.EndsWith(": connection refused", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ConnectAsync_SrvTargetDot_ServiceNotOffered()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.NoServiceDomain, PoshService.XmppClient);

        // Assert
        Assert.Equal(XmppConnectStatus.ServiceNotOffered, result.Status);
        Assert.Null(result.Connection);
        Assert.Equal("noservice.test does not offer xmpp-client: the SRV record _xmpp-client._tcp.noservice.test has target \".\" (RFC 6120 §3.2.1)", result.Reason);
        Assert.Empty(result.Report.Attempts);
        Assert.DoesNotContain(result.Report.Steps, s => string.Equals(s.Name, "tcp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_SrvAnswerTruncatedOverUdp_RetriedOverTcpAndConnects()
    {
        // Arrange
        using var client = world.CreateClient();

        // Act
        var result = await ConnectAsync(client, TestWorld.LargeSrvDomain, PoshService.XmppClient);

        // Assert
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        var srv = Assert.Single(result.Report.Steps, s => s.Detail.StartsWith("SRV _xmpp-client._tcp.large.test:", StringComparison.Ordinal));
        Assert.True(srv.Succeeded);
        Assert.Contains("over TCP after a truncated UDP answer", srv.Detail, StringComparison.Ordinal);
        Assert.Contains($"0 0 {world.Prosody.C2sPort} xmpp.hosting.test", srv.Detail, StringComparison.Ordinal);
        Assert.Contains("unreachable-filler-target-with-a-long-name-29.large.test", srv.Detail, StringComparison.Ordinal);
        Assert.Equal(TestWorld.HosterXmppName, result.Report.Endpoint?.Host);
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
    }

    [Fact]
    public async Task ConnectAsync_SlowSrvAnswer_PoshRetrievalStartedBeforeSrvCompleted()
    {
        // Arrange: the connector's first DNS server never answers, so each of its queries waits for the attempt
        // timeout before dnsmasq answers; POSH retrieval resolves through dnsmasq directly.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var slowResolver = world.CreateResolver((IPEndPoint)silent.Client.LocalEndPoint!);
        using var client = world.CreateClient(slowResolver);
        var beforeConnect = Stopwatch.GetTimestamp();

        // Act
        var result = await ConnectAsync(client, TestWorld.DirectDomain, PoshService.XmppClient);

        // Assert: RFC 7711 §5: the POSH request went out while the SRV lookup was still under way. Step offsets count
        // from a moment no earlier than beforeConnect, so beforeConnect + offset is a lower bound of the moment the
        // SRV lookup completed; comparing with it is conservative. Only the order of two moments is checked.
        Assert.True(result.IsConnected, result.Reason + "\n" + world.Logs);
        await using var connection = result.Connection;
        var srv = result.Report.Steps.First(s => s.Detail.StartsWith("SRV _xmpp-client._tcp.direct.test", StringComparison.Ordinal));
        var srvCompletedNoEarlierThan = beforeConnect + (long)((srv.Started + srv.Duration).TotalSeconds * Stopwatch.Frequency);
        var firstPoshRequest = client.Requests.Requests[0];
        Assert.Equal(new Uri("https://direct.test/.well-known/posh/xmpp-client.json"), firstPoshRequest.Url);
        Assert.True(firstPoshRequest.Timestamp < srvCompletedNoEarlierThan, "The POSH request was sent only after the SRV lookup completed.");
        Assert.Equal(CertificateProofType.Posh, result.Report.ProofType);
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(SHA256.HashData(certificate.RawData));

    /// <summary>Polls a condition on a component's log output, which arrives asynchronously, for at most 10 s.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static async Task<XmppConnectResult> ConnectAsync(WorldClient client, string domain, PoshService service, XmppConnectOptions? options = null)
    {
        options ??= new XmppConnectOptions();
        options.ConnectTimeout = TimeSpan.FromSeconds(5);
        options.NegotiationTimeout = TimeSpan.FromSeconds(20);
        using var timeout = new CancellationTokenSource(s_testTimeout);
        return await client.Connector.ConnectAsync(domain, service, options, timeout.Token);
    }
}
