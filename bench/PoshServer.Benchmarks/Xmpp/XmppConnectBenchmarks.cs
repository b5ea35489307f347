using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using PoshClient;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshServer.Benchmarks.Xmpp;

/// <summary>
/// Time to an authenticated stream (TCP, STARTTLS, certificate verified, stream restarted, features read) against a
/// real Prosody on loopback: a domain whose certificate names it (PKIX), and a hosted tenant whose certificate names
/// only the hoster and is accepted by POSH (RFC 7711/7712). The POSH lookup starts in parallel with DNS.
/// Target: POSH-verified ≤ 1.1× PKIX (POSH material cached, as on every connection after the first).
/// </summary>
[MemoryDiagnoser]
public class XmppConnectBenchmarks
{
    private const string PkixDomain = "pkix.bench.test";
    private const string TenantDomain = "tenant.bench.test";
    private const string HosterDomain = "hosting.bench.test";
    private const string PoshHost = "posh.hosting.bench.test";

    private TestCertificateAuthority _ca = null!;
    private ProsodyServer _prosody = null!;
    private ScriptedHttpsServer _web = null!;
    private PoshVerifier _verifier = null!;
    private HttpClient _client = null!;
    private XmppConnector _connector = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _verifier.Dispose();
        _client.Dispose();
        _web.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _prosody.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _ca.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task ConnectPkix() => ConnectAsync(_connector, PkixDomain);

    [Benchmark]
    public Task ConnectPoshCached() => ConnectAsync(_connector, TenantDomain);

    /// <summary>A first contact: nothing cached, the reference and the hoster's document fetched over new TLS connections.</summary>
    [Benchmark]
    public async Task ConnectPoshCold()
    {
        var (connector, verifier, client) = CreateConnector();
        using (verifier)
        using (client)
        {
            await ConnectAsync(connector, TenantDomain);
        }
    }

    private static async Task ConnectAsync(XmppConnector connector, string domain)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await connector.ConnectAsync(domain, PoshService.XmppClient, options: null, timeout.Token);
        if (!result.IsConnected)
        {
            throw new InvalidOperationException($"{domain}: {result.Reason}");
        }

        await result.Connection.DisposeAsync();
    }

    private async Task SetupAsync()
    {
        _ca = new TestCertificateAuthority("PoshServer Bench XMPP Root");
        var hosterCertificate = _ca.Issue([HosterDomain]);
        _prosody = await ProsodyServer.StartAsync(new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [PkixDomain] = _ca.Issue([PkixDomain]),
            [TenantDomain] = hosterCertificate,
        });

        var web = _ca.Issue([TenantDomain, PoshHost]);
        _web = await ScriptedHttpsServer.StartAsync(_ => web);
        var der = hosterCertificate.RawData;
        _web.MapBody(PoshHost, "/posh/tenant.bench.test/xmpp-client.json",
            $$"""{"fingerprints":[{"sha-256":"{{Convert.ToBase64String(SHA256.HashData(der))}}","sha-512":"{{Convert.ToBase64String(SHA512.HashData(der))}}"}],"expires":3600}""");
        _web.MapBody(TenantDomain, "/.well-known/posh/xmpp-client.json", $$"""{"url":"https://{{PoshHost}}/posh/tenant.bench.test/xmpp-client.json","expires":86400}""");

        (_connector, _verifier, _client) = CreateConnector();
        await ConnectAsync(_connector, PkixDomain);
        await ConnectAsync(_connector, TenantDomain);
    }

    private (XmppConnector Connector, PoshVerifier Verifier, HttpClient Client) CreateConnector()
    {
        var options = new PoshClientOptions { WebChainPolicy = _ca.CreateChainPolicy() };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = _web.ConnectCallback;
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var verifier = new PoshVerifier(client, options);
        var validator = new PoshCertificateValidator(verifier, new PoshCertificateValidatorOptions { ChainPolicy = _ca.CreateChainPolicy() }, TimeProvider.System);
        var connector = new XmppConnector(new LoopbackXmppDns(_prosody.Address, _prosody.C2sPort), validator, TimeProvider.System, logger: null, random: null);
        return (connector, verifier, client);
    }
}
