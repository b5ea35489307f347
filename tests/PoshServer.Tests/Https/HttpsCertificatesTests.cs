using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using PoshTesting;

namespace PoshServer.Tests.Https;

/// <summary>HTTPS certificates from files: SNI selection, intermediates sent, reload on change, unknown SNI.</summary>
public sealed class HttpsCertificatesTests : IDisposable
{
    private readonly TenantWorld _world = new();
    private readonly TestCertificateAuthority _root = new("Test Root");
    private readonly TestCertificateAuthority _intermediate;

    public HttpsCertificatesTests()
    {
        _intermediate = new TestCertificateAuthority(_root, "Test Intermediate");
        _world.WriteTenant("example.com.yaml", "domain: example.com\n");
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
        _world.Dispose();
    }

    [Fact]
    public async Task Handshake_KnownName_PresentsItsCertificateWithTheIntermediate()
    {
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        using var tenant = _intermediate.Issue(["example.com"]);
        WriteCertificate("hoster", hoster);
        WriteCertificate("tenant", tenant);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key"),
            "--Https:Certificates:1:CertificateFile=" + _world.Combine("tenant.crt"), "--Https:Certificates:1:KeyFile=" + _world.Combine("tenant.key"));

        var (presented, chainValid) = await HandshakeAsync(server, "example.com");

        Assert.Equal(tenant.Thumbprint, presented!.Thumbprint);
        Assert.True(chainValid, "the chain validates against the root only, so the intermediate was sent");
        Assert.Equal(hoster.Thumbprint, (await HandshakeAsync(server, PoshServerHost.HosterName)).Presented!.Thumbprint);
    }

    [Fact]
    public async Task Handshake_AfterTheFilesAreReplaced_PresentsTheNewCertificate()
    {
        using var first = _intermediate.Issue(["example.com"]);
        using var second = _intermediate.Issue(["example.com"]);
        WriteCertificate("tenant", first);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("tenant.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("tenant.key"));
        Assert.Equal(first.Thumbprint, (await HandshakeAsync(server, "example.com")).Presented!.Thumbprint);

        // A renewal tool replaces both files (key first, then certificate, as certbot's symlink swap ends up doing).
        WriteCertificate("tenant", second);

        await Eventually.TrueAsync(async () => (await HandshakeAsync(server, "example.com")).Presented!.Thumbprint == second.Thumbprint, "the renewed certificate is served");
    }

    [Fact]
    public async Task Handshake_UnknownName_GetsTheFallbackByDefault()
    {
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        WriteCertificate("hoster", hoster);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key"));

        Assert.Equal(hoster.Thumbprint, (await HandshakeAsync(server, "scanner.example")).Presented!.Thumbprint);
    }

    [Fact]
    public async Task Handshake_UnknownNameWithReject_IsAborted()
    {
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        WriteCertificate("hoster", hoster);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key"), "--Https:UnknownSni=Reject");

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(server, "scanner.example"));
        Assert.Equal(hoster.Thumbprint, (await HandshakeAsync(server, PoshServerHost.HosterName)).Presented!.Thumbprint);
    }

    /// <summary>
    /// Issue 13, item 5: SNI for an IDN tenant got the fallback certificate. SslStream hands the server the SNI
    /// decoded to a U-label ("bücher.example") while the store is keyed by A-labels (RFC 5890 §2.3.2.1).
    /// </summary>
    [Theory]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("XN--BCHER-KVA.Example")]
    [InlineData("bücher.example")]
    [InlineData("Bücher.Example")]
    [InlineData("xn--bcher-kva.example.")]
    public async Task Issue13_IdnTenantSni_PresentsTheTenantCertificateWhateverTheForm(string serverName)
    {
        _world.WriteTenant("xn--bcher-kva.example.yaml", "domain: xn--bcher-kva.example\n");
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        using var tenant = _intermediate.Issue(["xn--bcher-kva.example"]);
        WriteCertificate("hoster", hoster);
        WriteCertificate("tenant", tenant);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key"),
            "--Https:Certificates:1:CertificateFile=" + _world.Combine("tenant.crt"), "--Https:Certificates:1:KeyFile=" + _world.Combine("tenant.key"));

        var (presented, chainValid) = await HandshakeAsync(server, serverName);

        Assert.Equal(tenant.Thumbprint, presented!.Thumbprint);
        Assert.True(chainValid);
    }

    [Fact]
    public async Task Issue13_IdnTenant_DocumentServedOverTlsWithANameCheckingClient()
    {
        _world.WriteTenant("xn--bcher-kva.example.yaml", "domain: xn--bcher-kva.example\n");
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        using var tenant = _intermediate.Issue(["xn--bcher-kva.example"]);
        WriteCertificate("hoster", hoster);
        WriteCertificate("tenant", tenant);
        await using var server = await StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key"),
            "--Https:Certificates:1:CertificateFile=" + _world.Combine("tenant.crt"), "--Https:Certificates:1:KeyFile=" + _world.Combine("tenant.key"));
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.HttpsPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            // A real verifier: the name must match (no RemoteCertificateNameMismatch) and the chain must reach our root.
            using var check = new X509Chain { ChainPolicy = _root.CreateChainPolicy() };
            check.ChainPolicy.ExtraStore.AddRange(chain!.ChainPolicy.ExtraStore);
            check.ChainPolicy.ExtraStore.Add(_intermediate.Certificate);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            return !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) && check.Build(leaf);
        };
        using var client = new HttpClient(handler);

        using var response = await client.GetAsync("https://xn--bcher-kva.example/.well-known/posh/xmpp-server.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Handshake_ManyCertificateFiles_EachNameGetsItsOwnCertificateBuiltOnFirstUse()
    {
        using var hoster = _intermediate.Issue([PoshServerHost.HosterName]);
        WriteCertificate("hoster", hoster);
        var args = new List<string> { "--Https:Certificates:0:CertificateFile=" + _world.Combine("hoster.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("hoster.key") };
        var issued = new List<X509Certificate2>();
        for (var i = 1; i <= 40; i++)
        {
            var certificate = _intermediate.Issue([$"t{i}.example", $"www.t{i}.example"]);
            issued.Add(certificate);
            WriteCertificate($"t{i}", certificate);
            args.Add($"--Https:Certificates:{i}:CertificateFile=" + _world.Combine($"t{i}.crt"));
            args.Add($"--Https:Certificates:{i}:KeyFile=" + _world.Combine($"t{i}.key"));
        }

        await using var server = await StartAsync([.. args]);

        foreach (var i in new[] { 1, 17, 40 })
        {
            var (presented, chainValid) = await HandshakeAsync(server, $"www.t{i}.example");
            Assert.Equal(issued[i - 1].Thumbprint, presented!.Thumbprint);
            Assert.True(chainValid);
            Assert.Equal(issued[i - 1].Thumbprint, (await HandshakeAsync(server, $"t{i}.example")).Presented!.Thumbprint);
        }

        foreach (var certificate in issued)
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public async Task Start_UnreadableCertificateFile_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StartAsync("--Https:Certificates:0:CertificateFile=" + _world.Combine("missing.crt"), "--Https:Certificates:0:KeyFile=" + _world.Combine("missing.key")));

        Assert.Contains("Https:Certificates:0:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoCertificateConfigured_ServesADevelopmentCertificate()
    {
        await using var server = await StartAsync();

        var (presented, _) = await HandshakeAsync(server, PoshServerHost.HosterName);

        Assert.Contains("development", presented!.Subject, StringComparison.OrdinalIgnoreCase);
    }

    private Task<PoshServerHost> StartAsync(params string[] args) => PoshServerHost.StartAsync(_world.Path, null, args);

    private void WriteCertificate(string name, X509Certificate2 certificate) =>
        TestCertificates.WritePem(certificate, _world.Combine(name + ".crt"), _world.Combine(name + ".key"), [_intermediate.Certificate]);

    private async Task<(X509Certificate2? Presented, bool ChainValid)> HandshakeAsync(PoshServerHost server, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpsPort);
        var chainValid = false;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        X509Certificate2? presented = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = SslProtocols.None,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                using var check = new X509Chain { ChainPolicy = _root.CreateChainPolicy() };
                foreach (var extra in chain?.ChainElements.Select(e => e.Certificate).Skip(1) ?? [])
                {
                    check.ChainPolicy.ExtraStore.Add(extra);
                }

                chainValid = presented is not null && check.Build(presented);
                return true;
            },
        });
        return (presented, chainValid);
    }
}
