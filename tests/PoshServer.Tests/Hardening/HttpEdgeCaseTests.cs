using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace PoshServer.Tests.Hardening;

/// <summary>
/// Requests a browser or HttpClient would never send, over real TLS: the server must answer each without leaking
/// another tenant's document, and keep serving everyone else.
/// </summary>
public sealed class HttpEdgeCaseTests : IAsyncLifetime
{
    private const string Tenant = "tenant.example";
    private const string Other = "other.example";
    private const string WellKnown = "/.well-known/posh/xmpp-server.json";
    private readonly TenantWorld _world = new();
    private PoshServerHost _server = null!;
    private string _otherDocument = null!;
    private string _tenantDocument = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_world.Combine("certs"));
        _world.WriteCertificate("certs/other.pem", PoshTesting.TestCertificates.SelfSigned(["xmpp.other.example"]));
        _world.WriteTenant("tenant.example.yaml", $"domain: {Tenant}\nexpires: 600\n");

        // The other tenant publishes an extra certificate, so its document differs from the tenant's.
        _world.WriteTenant("other.example.yaml", $"domain: {Other}\nexpires: 700\nextra_certificates:\n  - certs/other.pem\n");
        _server = await PoshServerHost.StartAsync(_world.Path);
        _tenantDocument = (await SendAsync(Tenant, Get(WellKnown, Tenant))).Body;
        _otherDocument = (await SendAsync(Other, Get(WellKnown, Other))).Body;
        Assert.Contains("\"expires\":600", _tenantDocument, StringComparison.Ordinal);
        Assert.Contains("\"expires\":700", _otherDocument, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _world.Dispose();
    }

    // The status each row gets, pinned (issue 14): Kestrel rejects what is not a valid Host (400); a valid name that is
    // no tenant gets 404; a port that still names the tenant is served the tenant's own document, never another's.
    public static TheoryData<string, int> MalformedHosts => new()
    {
        { "unknown.example", 404 },
        { "exa mple.com", 400 },
        { "tenant.example:99999", 200 },
        { "tenant.example:-1", 400 },
        { "[::1", 400 },
        { "user@tenant.example", 400 },
        { "tenant.example/evil", 400 },
        { "tenant.example\tother.example", 400 },
        { "tenant.example..", 404 },
        { "..", 404 },
        { ".", 404 },
        { "%74enant.example", 400 },
        { "tenant%2Eexample", 400 },
        { "xn--.example", 404 },
        { new string('a', 300) + ".example", 404 },
        { "other.example, tenant.example", 400 },
    };

    [Theory]
    [MemberData(nameof(MalformedHosts))]
    public async Task MalformedOrUnknownHost_IsRejectedWithoutADocument(string host, int expected)
    {
        var response = await SendAsync(Tenant, Get(WellKnown, host));

        Assert.Equal(expected, response.Status);
        Assert.NotEqual(_otherDocument, response.Body, StringComparer.Ordinal);
        if (expected == 200)
        {
            Assert.Equal(_tenantDocument, response.Body);
        }
        else
        {
            Assert.DoesNotContain("fingerprints", response.Body, StringComparison.Ordinal);
        }

        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("XN--BCHER-KVA.EXAMPLE")]
    [InlineData("xn--bcher-kva.example.")]
    public async Task IdnTenant_IsServedForItsALabelHost(string host)
    {
        _world.WriteAtomically("idn.yaml", "domain: bücher.example\nexpires: 800\n");
        var store = _server.Services.GetRequiredService<PoshServer.Tenants.TenantStore>();
        // The watcher applies the renamed-into-place file (a full load right after the write would let it settle first).
        await Eventually.TrueAsync(() => Task.FromResult(store.Current.Tenants.ContainsKey("xn--bcher-kva.example")), "the IDN tenant is loaded");

        var response = await SendAsync("xn--bcher-kva.example", Get(WellKnown, host));

        Assert.Equal(200, response.Status);
        Assert.Contains("\"expires\":800", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingHostHeader_Is400()
    {
        var response = await SendAsync(Tenant, $"GET {WellKnown} HTTP/1.1\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task DuplicateHostHeaders_Are400()
    {
        var response = await SendAsync(Tenant, $"GET {WellKnown} HTTP/1.1\r\nHost: {Tenant}\r\nHost: {Other}\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
    }

    [Theory]
    [InlineData("https://other.example/.well-known/posh/xmpp-server.json")]
    [InlineData("http://other.example/.well-known/posh/xmpp-server.json")]
    [InlineData("https://other.example:443/.well-known/posh/xmpp-server.json")]
    [InlineData("https://user@other.example/.well-known/posh/xmpp-server.json")]
    public async Task AbsoluteFormTarget_NeverServesTheOtherTenant(string target)
    {
        var response = await SendAsync(Tenant, Get(target, Tenant));

        // The Host header must match an absolute-form target's authority (RFC 9112 §3.2.2): Kestrel answers 400.
        Assert.Equal(400, response.Status);
        Assert.NotEqual(_otherDocument, response.Body, StringComparer.Ordinal);
        await AssertStillServingAsync();
    }

    // Pinned per row (issue 14): 404 for every path that does not decode to the tenant's own document, 200 (the tenant's
    // own document) for the one that does, 400 for a NUL.
    public static TheoryData<string, string, int> TraversalPaths => new()
    {
        { Tenant, "/.well-known/posh/../../posh/other.example/xmpp-server.json", 404 },
        { Tenant, "/.well-known/posh/%2e%2e/%2e%2e/posh/other.example/xmpp-server.json", 404 },
        { Tenant, "/.well-known/posh/%2E%2E%2F%2E%2E%2Fposh%2Fother.example%2Fxmpp-server.json", 404 },
        { Tenant, "/.well-known/posh/%252e%252e/%252e%252e/etc/passwd", 404 },
        { Tenant, "/.well-known%2Fposh%2Fxmpp-server.json", 404 },
        { Tenant, "/.well-known/posh/xmpp-server%2Ejson", 200 },
        { Tenant, "/.well-known/posh/xmpp-server.json%00.txt", 400 },
        { Tenant, "/.well-known/posh/..%5c..%5cetc%5cpasswd", 404 },
        { Tenant, "/.well-known/posh/xmpp-server.json/../../../../etc/passwd", 404 },
        { Tenant, "/posh/other.example/xmpp-server.json", 404 },
        { Tenant, "//other.example/.well-known/posh/xmpp-server.json", 404 },
        { PoshServerHost.HosterName, "/posh/..%2Fother.example/xmpp-server.json", 404 },
        { PoshServerHost.HosterName, "/posh/tenant.example%2F..%2Fother.example/xmpp-server.json", 404 },
        { PoshServerHost.HosterName, "/posh/%2e%2e/reference/xmpp-server.json", 404 },
        { PoshServerHost.HosterName, "/posh/tenant.example/reference/..%2F..%2Fother.example%2Fxmpp-server.json", 404 },
    };

    [Theory]
    [MemberData(nameof(TraversalPaths))]
    public async Task TraversalOrEncodedPath_ServesNothingOfAnotherTenant(string host, string path, int expected)
    {
        var response = await SendAsync(Tenant, Get(path, host));

        Assert.Equal(expected, response.Status);
        Assert.NotEqual(_otherDocument, response.Body, StringComparer.Ordinal);
        Assert.DoesNotContain("root:", response.Body, StringComparison.Ordinal);
        if (expected == 200)
        {
            Assert.Equal(_tenantDocument, response.Body);
        }
    }

    [Theory]
    [InlineData(20 * 1024, 1)]
    [InlineData(1024, 40)]
    public async Task OversizedHeaders_Are431(int headerBytes, int headerCount)
    {
        var headers = new StringBuilder();
        for (var i = 0; i < headerCount; i++)
        {
            headers.Append("X-Filler-").Append(i).Append(": ").Append('a', headerBytes).Append("\r\n");
        }

        var response = await SendAsync(Tenant, $"GET {WellKnown} HTTP/1.1\r\nHost: {Tenant}\r\n{headers}Connection: close\r\n\r\n");

        Assert.Equal(431, response.Status);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedRequestLine_Is414()
    {
        var response = await SendAsync(Tenant, Get(WellKnown + "?" + new string('q', 8 * 1024), Tenant));

        Assert.Equal(414, response.Status);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("TRACE")]
    [InlineData("FOO")]
    public async Task OtherMethods_AreRefused(string method)
    {
        var response = await SendAsync(Tenant, $"{method} {WellKnown} HTTP/1.1\r\nHost: {Tenant}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        Assert.Equal(405, response.Status);
        Assert.DoesNotContain("fingerprints", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowClients_DoNotStopOthersBeingServed()
    {
        // Slowloris: connections that trickle a request and never finish its headers. Kestrel's
        // RequestHeadersTimeout (10 s) ends them; meanwhile everyone else is served.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var slow = new List<System.Net.Security.SslStream>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var tls = await RawHttps.ConnectAsync(_server.HttpsPort, Tenant, cancel.Token);
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {WellKnown} HTTP/1.1\r\nHost: {Tenant}\r\nX-Slow: "), cancel.Token);
                slow.Add(tls);
            }

            for (var round = 0; round < 3; round++)
            {
                foreach (var tls in slow)
                {
                    try
                    {
                        await tls.WriteAsync("a"u8.ToArray(), cancel.Token);
                    }
                    catch (IOException)
                    {
                        // Closed by the server: that is what its limits are for.
                    }
                }

                await AssertStillServingAsync();
                await Task.Delay(200, cancel.Token);
            }
        }
        finally
        {
            foreach (var tls in slow)
            {
                await tls.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PlainTextOnTheHttpsPort_IsDroppedAndServingContinues()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.HttpsPort);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {WellKnown} HTTP/1.1\r\nHost: {Tenant}\r\n\r\n"));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Drain whatever arrives (an alert, or nothing) until the server closes.
            }
        }
        catch (IOException)
        {
            // Reset by the server.
        }

        await AssertStillServingAsync();
    }

    private static string Get(string target, string host) => $"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";

    private Task<RawResponse> SendAsync(string sni, string request) => RawHttps.SendAsync(_server.HttpsPort, sni, request);

    private async Task AssertStillServingAsync()
    {
        var response = await SendAsync(Tenant, Get(WellKnown, Tenant));
        Assert.Equal(200, response.Status);
        Assert.Equal(_tenantDocument, response.Body);
    }
}
