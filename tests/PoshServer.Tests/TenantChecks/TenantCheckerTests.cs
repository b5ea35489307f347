using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshServer.TenantChecks;
using PoshServer.Tenants;
using PoshTesting;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// A test world of broken tenant set-ups: a real DNS server (dnsmasq) with the tenants' SRV records, a real HTTPS
/// server playing the tenants' web servers and the hoster's per-tenant URLs, certificates from a test CA.
/// </summary>
public sealed class TenantCheckerTests : IAsyncLifetime
{
    private const string Hoster = "posh.hosting.test";
    private const string XmppHost = "xmpp.hosting.test";

    private static readonly string[] s_tenants =
        ["good-ref.test", "good-proxy.test", "missing.test", "wrongurl.test", "redirect.test", "httpredirect.test", "expiredweb.test", "srvelsewhere.test", "livecert.test", "big.test"];

    private readonly TenantWorld _world = new();
    private readonly TestCertificateAuthority _ca = new();
    private readonly ConcurrentDictionary<string, X509Certificate2> _webCertificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly X509Certificate2 _unpublished = TestCertificates.SelfSigned([XmppHost]);
    private ScriptedHttpsServer _web = null!;
    private DnsmasqServer _dns = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private PoshVerifier _verifier = null!;

    public async Task InitializeAsync()
    {
        foreach (var tenant in s_tenants)
        {
            _world.WriteTenant(tenant + ".yaml", $"domain: {tenant}\nexpires: 3600\n");
        }

        _web = await ScriptedHttpsServer.StartAsync(name => _webCertificates.GetOrAdd(name ?? Hoster, n => string.Equals(n, "expiredweb.test", StringComparison.Ordinal)
            ? _ca.Issue([n], DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddDays(-1))
            : _ca.Issue([n])));
        var records = new List<DnsmasqRecord>();
        foreach (var tenant in s_tenants)
        {
            var target = string.Equals(tenant, "srvelsewhere.test", StringComparison.Ordinal) ? "xmpp.elsewhere.test" : XmppHost;
            records.Add(DnsmasqRecord.Srv($"_xmpp-client._tcp.{tenant}", target, 5222));
            records.Add(DnsmasqRecord.Srv($"_xmpp-server._tcp.{tenant}", target, 5269));
        }

        _dns = await DnsmasqServer.StartAsync(records, ["test"]);

        var options = new PoshClientOptions { WebChainPolicy = _ca.CreateChainPolicy(), NotFoundCacheTime = TimeSpan.Zero, FailureCacheTime = TimeSpan.Zero };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = _web.ConnectCallback;
        _http = new HttpClient(handler);
        _verifier = new PoshVerifier(_http, options);

        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={_world.Path}",
            $"--Rotation:StatePath={_world.Combine("state.json")}",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--TenantChecks:XmppHosts:0={XmppHost}",
            $"--Posh:HostNames:0={Hoster}",
            $"--Posh:PublicBaseUrl=https://{Hoster}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        var dnsOptions = new DnsResolverOptions { AttemptTimeout = TimeSpan.FromSeconds(5) };
        dnsOptions.Servers.Add(_dns.EndPoint);
        builder.Services.AddSingleton(new DnsResolver(dnsOptions));
        builder.Services.AddSingleton(_verifier);
        var hosterSha = Sha256(_world.HosterCertificate!);
        builder.Services.AddSingleton<ILiveCertificateProbe>(new FakeLiveProbe(domain => string.Equals(domain, "livecert.test", StringComparison.Ordinal) ? Sha256(_unpublished) : hosterSha));
        _app = PoshServerApp.Build(builder);
        Assert.Empty(TestStartup.LoadBeforeStart(_app));
        ScriptWebServers(_app.Services.GetRequiredService<TenantStore>().Current);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _verifier.Dispose();
        _http.Dispose();
        await _web.DisposeAsync();
        await _dns.DisposeAsync();
        _ca.Dispose();
        _unpublished.Dispose();
        _world.Dispose();
    }

    [Theory]
    [InlineData("good-ref.test", "Pass", "Fail", "Pass", "Pass", "never follows references")]
    [InlineData("good-proxy.test", "Pass", "Pass", "Pass", "Pass", "serves our fingerprints directly")]
    [InlineData("missing.test", "Fail", "Fail", "Fail", "Fail", "reference file is missing")]
    [InlineData("wrongurl.test", "Fail", "Fail", "Fail", "Fail", "which answers 404; ours is")]
    [InlineData("redirect.test", "Pass", "Fail", "Pass", "Pass", "does not follow HTTP redirects")]
    [InlineData("httpredirect.test", "Fail", "Fail", "Fail", "Fail", "a redirect that POSH clients refuse")]
    [InlineData("expiredweb.test", "Fail", "Fail", "Fail", "Fail", "cannot be fetched with a valid certificate")]
    [InlineData("srvelsewhere.test", "Fail", "Fail", "Fail", "Fail", "SRV records point elsewhere")]
    [InlineData("livecert.test", "Fail", "Fail", "Fail", "Fail", "which we do not publish")]
    [InlineData("big.test", "Pass", "Pass", "Fail", "Pass", "Conversations reads at most 10000")]
    public async Task CheckAsync_BrokenSetUps_VerdictPerVerifier(string domain, string poshClient, string prosody, string conversations, string xmppProxy, string reason)
    {
        var checker = _app.Services.GetRequiredService<TenantChecker>();

        var result = await checker.CheckAsync(domain);

        Assert.NotNull(result);
        var verdicts = result.Verdicts.ToDictionary(v => v.Verifier);
        var explanation = TenantsCheckCommand.Describe(result);
        Assert.True(string.Equals(poshClient, verdicts[KnownVerifier.PoshClient].Verdict.ToString(), StringComparison.Ordinal), explanation);
        Assert.True(string.Equals(prosody, verdicts[KnownVerifier.Prosody].Verdict.ToString(), StringComparison.Ordinal), explanation);
        Assert.True(string.Equals(conversations, verdicts[KnownVerifier.Conversations].Verdict.ToString(), StringComparison.Ordinal), explanation);
        Assert.True(string.Equals(xmppProxy, verdicts[KnownVerifier.XmppProxy].Verdict.ToString(), StringComparison.Ordinal), explanation);
        Assert.Contains(reason, explanation, StringComparison.Ordinal);
        Assert.All(result.Verdicts.Where(v => v.Verdict == CheckVerdict.Fail), v => Assert.False(string.IsNullOrEmpty(v.Fix), $"{v.Verifier} has no fix: {explanation}"));
    }

    private void ScriptWebServers(TenantSnapshot snapshot)
    {
        foreach (var service in PoshServiceNames.All)
        {
            var name = service.ToName();
            var wellKnown = service.WellKnownPath();
            foreach (var domain in s_tenants)
            {
                var entry = snapshot.Tenants[domain];
                var ours = $"https://{Hoster}/posh/{domain}/{name}.json";
                var document = entry.Document!.Body.ToArray();
                _web.MapBytes(Hoster, $"/posh/{domain}/{name}.json", document);
                var reference = entry.ReferenceFor(service)!.Body.ToArray();
                switch (domain)
                {
                    case "good-ref.test":
                        _web.MapBytes(domain, wellKnown, reference);
                        break;
                    case "missing.test":
                        break;
                    case "wrongurl.test":
                        _web.MapBody(domain, wellKnown, $$"""{"url":"https://elsewhere.test/posh/{{name}}.json","expires":86400}""");
                        break;
                    case "redirect.test":
                        _web.MapRedirect(domain, wellKnown, ours, 302);
                        break;
                    case "httpredirect.test":
                        _web.MapRedirect(domain, wellKnown, $"http://{Hoster}/posh/{domain}/{name}.json", 302);
                        break;
                    case "big.test":
                        _web.MapBytes(domain, wellKnown, BigDocument(entry));
                        break;
                    default:
                        _web.MapBytes(domain, wellKnown, domain == "expiredweb.test" ? reference : document);
                        break;
                }
            }
        }
    }

    /// <summary>Our descriptors plus enough others to pass 10,000 bytes (a copy that kept every old certificate).</summary>
    private static byte[] BigDocument(TenantEntry entry)
    {
        var descriptors = entry.Certificates.Select(c => c.Descriptor)
            .Concat(Enumerable.Range(0, 80).Select(_ => FingerprintDescriptor.FromDer(RandomNumberGenerator.GetBytes(400))))
            .ToList();
        var body = PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = descriptors, Expires = 3600 });
        Assert.InRange(body.Length, 10_001, 60_000);
        return body;
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
