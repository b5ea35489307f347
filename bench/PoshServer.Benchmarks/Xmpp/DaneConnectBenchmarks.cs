using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using PoshClient.Dane;
using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshServer.Benchmarks.Xmpp;

/// <summary>
/// Time to an authenticated stream against a real Prosody on loopback, resolving through a real validating unbound
/// (zones served by nsd, one signed at set-up with ldns-signzone): a domain in an unsigned zone whose certificate
/// names it (PKIX, the baseline), and a tenant in a signed zone whose certificate names only the hoster and is
/// accepted by DANE-EE 3 1 1 (RFC 7673). The DANE path adds the TLSA query and the AD-bit and EDE handling;
/// unbound answers from its cache after the first iteration, as a local resolver does.
/// </summary>
[MemoryDiagnoser]
public class DaneConnectBenchmarks
{
    private const string PkixDomain = "pkix.plain-bench.test";
    private const string DaneDomain = "tenant.dane-bench.test";
    private const string HosterName = "xmpp.dane-bench.test";

    private TestCertificateAuthority _ca = null!;
    private ProsodyServer _prosody = null!;
    private DnssecServer _dns = null!;
    private ScriptedHttpsServer _web = null!;
    private HttpClient _client = null!;
    private PoshClient.Verification.PoshVerifier _verifier = null!;
    private XmppConnector _connector = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _verifier.Dispose();
        _client.Dispose();
        _web.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dns.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _prosody.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _ca.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task ConnectPkix() => ConnectAsync(PkixDomain, CertificateProofType.Pkix);

    [Benchmark]
    public Task ConnectDane() => ConnectAsync(DaneDomain, CertificateProofType.Dane);

    private async Task ConnectAsync(string domain, CertificateProofType expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await _connector.ConnectAsync(domain, PoshService.XmppClient, options: null, timeout.Token);
        if (!result.IsConnected || result.Report.ProofType != expected)
        {
            throw new InvalidOperationException($"{domain}: {result.Report.ProofType}: {result.Reason}");
        }

        await result.Connection.DisposeAsync();
    }

    private async Task SetupAsync()
    {
        _ca = new TestCertificateAuthority("PoshServer Bench DANE Root");
        var hoster = _ca.Issue([HosterName]);
        _prosody = await ProsodyServer.StartAsync(new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [PkixDomain] = _ca.Issue([PkixDomain]),
            [DaneDomain] = hoster,
        });
        var address = _prosody.Address.ToString();
        var port = _prosody.C2sPort.ToString(CultureInfo.InvariantCulture);
        _dns = await DnssecServer.StartAsync(
        [
            new DnssecZone
            {
                Name = "dane-bench.test",
                Records =
                [
                    $"_xmpp-client._tcp.{DaneDomain}. 300 IN SRV 10 0 {port} {HosterName}.",
                    $"{HosterName}. 300 IN A {address}",
                    $"_{port}._tcp.{HosterName}. 300 IN TLSA {TlsaRecords.DaneEeSpkiSha256(hoster)}",
                ],
            },
            new DnssecZone
            {
                Name = "plain-bench.test",
                Signing = DnssecSigning.Unsigned,
                Records =
                [
                    $"_xmpp-client._tcp.{PkixDomain}. 300 IN SRV 10 0 {port} xmpp.plain-bench.test.",
                    $"xmpp.plain-bench.test. 300 IN A {address}",
                ],
            },
        ]);

        var validatorOptions = new PoshCertificateValidatorOptions { ChainPolicy = _ca.CreateChainPolicy() };
        validatorOptions.DnsServers.Add(_dns.ResolverEndPoint);
        // The POSH lookup that runs beside DNS goes to a loopback web server that publishes nothing (404, then
        // negatively cached), so neither connection depends on POSH and nothing leaves the machine.
        var web = _ca.Issue([PkixDomain, DaneDomain]);
        _web = await ScriptedHttpsServer.StartAsync(_ => web);
        var options = new PoshClient.PoshClientOptions { WebChainPolicy = _ca.CreateChainPolicy() };
        var handler = PoshClient.Verification.PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = _web.ConnectCallback;
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _verifier = new PoshClient.Verification.PoshVerifier(_client, options);
        var validator = new PoshCertificateValidator(_verifier, validatorOptions);
        _connector = new XmppConnector(validator);
        await ConnectPkix();
        await ConnectDane();
    }
}
