using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PoshServer.Rotation;
using PoshServer.Status;
using PoshServer.TenantChecks;

namespace PoshServer.Tests.Status;

/// <summary>The admin listener of a real server: status page (in headless Chromium), status API, /metrics, failure reports.</summary>
public sealed class AdminServerTests : IAsyncLifetime
{
    private readonly TenantWorld _world = new();
    private PoshServerHost _server = null!;
    private HttpClient _admin = null!;
    private Uri _adminUrl = null!;

    public async Task InitializeAsync()
    {
        _world.WriteTenant("alpha.yaml", "domain: alpha.example\nexpires: 7200\n");
        _world.WriteTenant("beta.yaml", "domain: beta.example\nservices: [xmpp-client]\n");
        _server = await PoshServerHost.StartAsync(_world.Path, null, "--Admin:Enabled=true", "--Admin:Port=0", "--TenantChecks:Background=false", $"--Rotation:StatePath={_world.Combine("state/rotation.json")}");
        _adminUrl = _server.Services.GetRequiredService<AdminServer>().Address!;
        _admin = new HttpClient { BaseAddress = _adminUrl, Timeout = TimeSpan.FromSeconds(30) };

        // A check result as the background job would record it: beta fails for Prosody-independent reasons.
        _server.Services.GetRequiredService<TenantCheckResults>().Set(new TenantCheckResult
        {
            Domain = "beta.example",
            CheckedAt = DateTimeOffset.UtcNow,
            Overall = CheckVerdict.Fail,
            Verdicts =
            [
                new VerifierVerdict { Verifier = KnownVerifier.PoshClient, Verdict = CheckVerdict.Fail, Reason = "no POSH document: 404", Fix = "Save the reference file" },
                new VerifierVerdict { Verifier = KnownVerifier.Conversations, Verdict = CheckVerdict.Fail, Reason = "no POSH document: 404" },
            ],
            Findings = [new CheckFinding { Area = CheckArea.Web, Service = "xmpp-client", Verdict = CheckVerdict.Fail, Message = "reference file missing", Fix = "Save the reference file" }],
        });
        await _server.Services.GetRequiredService<RotationCoordinator>().EvaluateAsync();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        _world.Dispose();
    }

    [Fact]
    public async Task StatusPage_InHeadlessChromium_RendersTenantsVerdictsSetsAndRotation()
    {
        await ReportAsync("alpha.example", "Mismatch");

        var dom = await HeadlessChromium.DumpDomAsync(_adminUrl);

        Assert.Contains("<title>PoshServer status</title>", dom, StringComparison.Ordinal);
        Assert.Contains("data-domain=\"alpha.example\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-domain=\"beta.example\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-verifier=\"PoshClient\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("reference file missing", dom, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(_world.HosterCertificate!.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)), dom, StringComparison.Ordinal);
        Assert.Contains(">Steady<", dom, StringComparison.Ordinal);
        Assert.Contains("xmpp-server Mismatch from test-verifier", dom, StringComparison.Ordinal);

        // The findings are in the tenant's own view.
        var view = await HeadlessChromium.DumpDomAsync(new Uri(_adminUrl, "/?tenant=beta.example"));
        Assert.Contains("data-domain=\"beta.example\" data-state=\"Fail\"", view, StringComparison.Ordinal);
        Assert.Contains("reference file missing", view, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusApi_ReturnsJsonWithTenantsRotationAndChecks()
    {
        using var response = await _admin.GetAsync(new Uri("/api/status", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tenants = json.RootElement.GetProperty("tenants").EnumerateArray().ToList();
        Assert.Equal(["alpha.example", "beta.example"], tenants.Select(t => t.GetProperty("domain").GetString()));
        Assert.Equal("Fail", tenants[1].GetProperty("check").GetProperty("overall").GetString());
        Assert.Equal("Steady", json.RootElement.GetProperty("rotation")[0].GetProperty("phase").GetString());
        Assert.Equal(7200, json.RootElement.GetProperty("rotation")[0].GetProperty("maxExpires").GetInt64());
    }

    [Fact]
    public async Task Metrics_PrometheusText_HasCountersHistogramsAndGaugesWithoutTenantLabels()
    {
        using var client = _server.CreateClient();
        using (await client.GetAsync(new Uri("https://alpha.example/.well-known/posh/xmpp-server.json")))
        using (await client.GetAsync(new Uri("https://nobody.example/.well-known/posh/xmpp-client.json")))
        {
        }

        await ReportAsync("alpha.example", "Mismatch");
        var text = await _admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("# TYPE posh_documents_served counter", text, StringComparison.Ordinal);
        Assert.Contains("posh_documents_served_total{service=\"xmpp-server\",status=\"200\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("posh_documents_served_total{service=\"xmpp-client\",status=\"404\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("posh_failure_reports_received_total{outcome=\"Mismatch\",service=\"xmpp-server\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("posh_rotation_phase{phase=\"Steady\",set=\"default\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("posh_certificate_expiry_days{role=\"current\",set=\"default\"}", text, StringComparison.Ordinal);
        Assert.Contains("posh_tenant_checks_verdicts{verdict=\"Fail\",verifier=\"PoshClient\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("le=\"+Inf\"} ", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_count{", text, StringComparison.Ordinal);
        // Answered ahead of routing, the well-known documents still carry their route template.
        Assert.Contains("http_route=\"/.well-known/posh/{file}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("alpha.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_PublicListener_DoesNotServeStatusPaths()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync(new Uri("https://posh.hosting.test/api/status"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task FailureReport_OversizeOrUnknownDomainOrBadJson_Rejected()
    {
        using var client = _server.CreateClient();
        using var big = await client.PostAsync(new Uri("https://posh.hosting.test/posh-reports"), new StringContent(new string('x', 9000), Encoding.UTF8, "application/json"));
        using var unknown = await client.PostAsync(new Uri("https://posh.hosting.test/posh-reports"), Json("""{"domain":"nobody.example","service":"xmpp-server","outcome":"Mismatch"}"""));
        using var bad = await client.PostAsync(new Uri("https://posh.hosting.test/posh-reports"), Json("{"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task ReportAsync(string domain, string outcome)
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync(
            new Uri("https://posh.hosting.test/posh-reports"),
            Json($$"""{"domain":"{{domain}}","service":"xmpp-server","outcome":"{{outcome}}","reason":"presented certificate matches no descriptor","presentedSha256":"AAAA","reporter":"test-verifier"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
