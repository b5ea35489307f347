using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient;
using PoshClient.Verification;
using PoshTesting;

namespace PoshServer.Benchmarks.Verification;

/// <summary>
/// A loopback POSH world: a tenant domain whose well-known URI holds a reference (RFC 7711 §3.2) to the hoster's
/// fingerprints document (§3.1), served over real TLS by a local Kestrel with a throw-away CA.
/// </summary>
internal sealed class PoshWorld : IAsyncDisposable
{
    public const string Tenant = "tenant.bench.test";
    public const string Direct = "direct.bench.test";
    public const string Hoster = "posh.hoster.bench.test";

    private readonly TestCertificateAuthority _ca;
    private readonly ScriptedHttpsServer _server;

    private PoshWorld(TestCertificateAuthority ca, ScriptedHttpsServer server, X509Certificate2 xmppCertificate)
    {
        _ca = ca;
        _server = server;
        XmppCertificate = xmppCertificate;
    }

    /// <summary>The XMPP server's certificate, as presented in a TLS handshake (no private key).</summary>
    public X509Certificate2 XmppCertificate { get; }

    public static async Task<PoshWorld> StartAsync()
    {
        var ca = new TestCertificateAuthority("PoshServer Bench Root");
        var web = ca.Issue([Tenant, Direct, Hoster]);
        var xmpp = ca.Issue(["xmpp.hoster.bench.test"]);
        var presented = X509CertificateLoader.LoadCertificate(xmpp.RawData);
        var server = await ScriptedHttpsServer.StartAsync(_ => web);

        // Both digests, as PoshServer publishes them: the verifier matches by the strongest (sha-512).
        var fingerprints = $$"""{"fingerprints":[{"sha-256":"{{Convert.ToBase64String(SHA256.HashData(presented.RawData))}}","sha-512":"{{Convert.ToBase64String(SHA512.HashData(presented.RawData))}}"}],"expires":3600}""";
        server.MapBody(Hoster, "/posh/tenant.bench.test/xmpp-server.json", fingerprints);
        server.MapBody(Tenant, "/.well-known/posh/xmpp-server.json", $$"""{"url":"https://{{Hoster}}/posh/tenant.bench.test/xmpp-server.json","expires":86400}""");
        server.MapBody(Direct, "/.well-known/posh/xmpp-server.json", fingerprints);
        return new PoshWorld(ca, server, presented);
    }

    /// <summary>A verifier that trusts the world's CA and reaches every name on loopback.</summary>
    public PoshVerifier CreateVerifier(out HttpClient client)
    {
        var options = new PoshClientOptions { WebChainPolicy = _ca.CreateChainPolicy() };
        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = _server.ConnectCallback;
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new PoshVerifier(client, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _ca.Dispose();
    }
}
