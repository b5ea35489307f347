using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PoshClient.Documents;

namespace PoshServer.Tests.Posh;

/// <summary>Every endpoint through the real Kestrel with TLS: status, headers, exact bytes, HEAD, ETag/304, Host routing.</summary>
public sealed class PoshEndpointsTests : IAsyncLifetime
{
    private readonly TenantWorld _world = new();
    private PoshServerHost _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _world.WriteTenant("example.com.yaml", "domain: example.com\nexpires: 7200\n");
        _world.WriteTenant("client-only.yaml", "domain: client.example\nservices: [xmpp-client]\n");
        _world.WriteTenant("off.yaml", "domain: off.example\ndisabled: true\n");
        _server = await PoshServerHost.StartAsync(_world.Path);
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _world.Dispose();
    }

    [Theory]
    [InlineData("xmpp-client")]
    [InlineData("xmpp-server")]
    public async Task WellKnown_OnHosterName_ServesTheDefaultSetDocument(string service)
    {
        using var response = await _client.GetAsync($"https://{PoshServerHost.HosterName}/.well-known/posh/{service}.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedDocument(3600), await response.Content.ReadAsStringAsync());
        AssertPoshHeaders(response);
    }

    [Theory]
    [InlineData("/.well-known/posh/xmpp-server.json")]
    // Answered ahead of routing only for the exact path; routing's literal segments ignore case, and such a request
    // still gets the same answer from the mapped endpoint.
    [InlineData("/.WELL-KNOWN/Posh/xmpp-server.json")]
    public async Task WellKnown_OnTenantHost_ServesTheTenantDocument(string path)
    {
        using var response = await _client.GetAsync("https://example.com" + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedDocument(7200), await response.Content.ReadAsStringAsync());
        AssertPoshHeaders(response);
    }

    [Fact]
    public async Task WellKnown_TenantHostWithUpperCaseAndTrailingDot_IsTheSameTenant()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.com/.well-known/posh/xmpp-server.json");
        request.Headers.Host = "EXAMPLE.com.";

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("https://unknown.example/.well-known/posh/xmpp-server.json")]
    [InlineData("https://off.example/.well-known/posh/xmpp-server.json")]
    [InlineData("https://client.example/.well-known/posh/xmpp-server.json")]
    [InlineData("https://example.com/.well-known/posh/xmpp-chat.json")]
    [InlineData("https://example.com/.well-known/posh/XMPP-SERVER.JSON")]
    [InlineData("https://posh.hosting.test/posh/unknown.example/xmpp-server.json")]
    [InlineData("https://posh.hosting.test/posh/off.example/xmpp-server.json")]
    [InlineData("https://posh.hosting.test/posh/off.example/reference/xmpp-server.json")]
    [InlineData("https://posh.hosting.test/posh/client.example/xmpp-server.json")]
    [InlineData("https://example.com/posh/example.com/xmpp-server.json")]
    public async Task Get_UnknownHostTenantOrService_Is404WithShortCaching(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("max-age=60", response.Headers.CacheControl?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TenantUrl_OnHosterName_ServesTheTenantDocument()
    {
        using var response = await _client.GetAsync($"https://{PoshServerHost.HosterName}/posh/example.com/xmpp-client.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedDocument(7200), await response.Content.ReadAsStringAsync());
        AssertPoshHeaders(response);
    }

    [Fact]
    public async Task Reference_IsTheExactFileTheTenantPublishes()
    {
        using var response = await _client.GetAsync($"https://{PoshServerHost.HosterName}/posh/example.com/reference/xmpp-server.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"url":"https://posh.hosting.test/posh/example.com/xmpp-server.json","expires":86400}""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal("attachment; filename=\"xmpp-server.json\"", response.Content.Headers.ContentDisposition?.ToString());
        AssertPoshHeaders(response);
    }

    [Fact]
    public async Task SetupGuide_ListsReferenceFilesSnippetsAndCompatibility()
    {
        var text = await _client.GetStringAsync($"https://{PoshServerHost.HosterName}/posh/example.com/setup");

        Assert.Contains("""{"url":"https://posh.hosting.test/posh/example.com/xmpp-client.json","expires":86400}""", text, StringComparison.Ordinal);
        Assert.Contains("proxy_pass https://posh.hosting.test/posh/example.com/;", text, StringComparison.Ordinal);
        Assert.Contains("Redirect 307 /.well-known/posh/xmpp-server.json https://posh.hosting.test/posh/example.com/xmpp-server.json", text, StringComparison.Ordinal);
        Assert.Contains("Prosody mod_s2s_auth_posh      no               yes             no", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_SendsTheHeadersOfGetWithoutABody()
    {
        using var get = await _client.GetAsync("https://example.com/.well-known/posh/xmpp-server.json");
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "https://example.com/.well-known/posh/xmpp-server.json"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal("application/json", head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatch_WithTheCurrentETag_Is304WithoutBody()
    {
        using var first = await _client.GetAsync("https://example.com/.well-known/posh/xmpp-server.json");
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.com/.well-known/posh/xmpp-server.json");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal("max-age=60", second.Headers.CacheControl?.ToString());
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatch_WithAStaleETag_Is200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.com/.well-known/posh/xmpp-server.json");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/.well-known/posh/xmpp-server.jsonx")]
    [InlineData("/.well-known/posh/xmpp-server.json/more")]
    [InlineData("/.well-known/posh/XMPP-SERVER.json")]
    [InlineData("/.well-known/posh/xmpp-server")]
    [InlineData("/.well-known/posh/")]
    public async Task WellKnown_AnyOtherFile_Is404(string path)
    {
        using var response = await _client.GetAsync("https://example.com" + path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_IsNotAllowed()
    {
        using var response = await _client.PostAsync("https://example.com/.well-known/posh/xmpp-server.json", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Http2_ServesTheSameBytes()
    {
        using var client = _server.CreateClient(HttpVersion.Version20);

        using var response = await client.GetAsync("https://example.com/.well-known/posh/xmpp-server.json");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(ExpectedDocument(7200), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PlainHttp_RedirectsToHttpsTemporarily()
    {
        using var response = await _client.GetAsync("http://example.com/.well-known/posh/xmpp-server.json");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://example.com/.well-known/posh/xmpp-server.json", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Healthz_IsHealthyOnceTenantsAreLoaded()
    {
        Assert.Equal("Healthy", Health.HealthJson.Status(await _client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz")));
        Assert.Equal("Healthy", Health.HealthJson.Status(await _client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz/live")));
        Assert.Equal("Healthy", Health.HealthJson.Status(await _client.GetStringAsync($"https://{PoshServerHost.HosterName}/healthz/ready")));
    }

    private static void AssertPoshHeaders(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("max-age=60", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag.IsWeak);
        Assert.DoesNotContain(response.Headers, h => h.Key.Equals("Server", StringComparison.OrdinalIgnoreCase));
    }

    private string ExpectedDocument(long expires) => Encoding.UTF8.GetString(PoshDocumentWriter.Write(new FingerprintsDocument
    {
        Fingerprints = [FingerprintDescriptor.FromCertificate(_world.HosterCertificate!)],
        Expires = expires,
    }));
}
