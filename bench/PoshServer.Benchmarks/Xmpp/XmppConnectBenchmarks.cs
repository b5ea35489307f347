using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
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
    public Task ConnectPkix() => ConnectBenchWorld.ConnectAsync(_client.Connector, PkixDomain);

    [Benchmark]
    public Task ConnectPoshCached() => ConnectBenchWorld.ConnectAsync(_client.Connector, TenantDomain);

    /// <summary>A first contact: nothing cached, the reference and the hoster's document fetched over new TLS connections.</summary>
    [Benchmark]
    public async Task ConnectPoshCold()
    {
        using var client = CreateClient();
        await ConnectBenchWorld.ConnectAsync(client.Connector, TenantDomain);
    }

    private async Task SetupAsync()
    {
        _world = await ConnectBenchWorld.StartAsync("PoshServer Bench XMPP Root", PkixDomain, TenantDomain, HosterDomain, (world, hoster) =>
        {
            var der = hoster.RawData;
            world.WithWeb(world.Issue([TenantDomain, PoshHost]), web =>
            {
                web.MapBody(PoshHost, "/posh/tenant.bench.test/xmpp-client.json",
                    $$"""{"fingerprints":[{"sha-256":"{{Convert.ToBase64String(SHA256.HashData(der))}}","sha-512":"{{Convert.ToBase64String(SHA512.HashData(der))}}"}],"expires":3600}""");
                web.MapBody(TenantDomain, "/.well-known/posh/xmpp-client.json", $$"""{"url":"https://{{PoshHost}}/posh/tenant.bench.test/xmpp-client.json","expires":86400}""");
            });
        });
        _client = CreateClient();
        await ConnectPkix();
        await ConnectPoshCached();
    }

    /// <summary>DNS answered from memory (<see cref="LoopbackXmppDns"/>), so only TLS and XMPP are measured.</summary>
    private WorldClient CreateClient() =>
        _world.CreateClient(validator => new XmppConnector(new LoopbackXmppDns(_world.Prosody.Address, _world.Prosody.C2sPort), validator, TimeProvider.System, logger: null, random: null));
}
