using System.Globalization;
using BenchmarkDotNet.Attributes;
using PoshClient.Dane;
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

    private ConnectBenchWorld _world = null!;
    private WorldClient _client = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _world.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task ConnectPkix() => ConnectBenchWorld.ConnectAsync(_client.Connector, PkixDomain, CertificateProofType.Pkix);

    [Benchmark]
    public Task ConnectDane() => ConnectBenchWorld.ConnectAsync(_client.Connector, DaneDomain, CertificateProofType.Dane);

    private async Task SetupAsync()
    {
        _world = await ConnectBenchWorld.StartAsync("PoshServer Bench DANE Root", PkixDomain, DaneDomain, HosterName, (world, hoster) => world
            .WithDnssec(started =>
            {
                var address = started.Prosody.Address.ToString();
                var port = started.Prosody.C2sPort.ToString(CultureInfo.InvariantCulture);
                return
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
                ];
            })
            // The POSH lookup that runs beside DNS goes to a loopback web server that publishes nothing (404, then
            // negatively cached), so neither connection depends on POSH and nothing leaves the machine.
            .WithWeb(world.Issue([PkixDomain, DaneDomain]), _ => { }));

        // The validator asks the world's validating unbound.
        _client = _world.CreateClient();
        await ConnectPkix();
        await ConnectDane();
    }
}
