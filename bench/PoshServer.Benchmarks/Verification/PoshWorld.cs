using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Verification;
using PoshTesting;

namespace PoshServer.Benchmarks.Verification;

/// <summary>
/// A loopback POSH world: a tenant domain whose well-known URI holds a reference (RFC 7711 §3.2) to the hoster's
/// fingerprints document (§3.1), served over real TLS by the test world's scripted web server (a local Kestrel) with
/// its throw-away CA.
/// </summary>
internal sealed class PoshWorld : IAsyncDisposable
{
    public const string Tenant = "tenant.bench.test";
    public const string Direct = "direct.bench.test";
    public const string Hoster = "posh.hoster.bench.test";

    private readonly XmppWorld _world;

    private PoshWorld(XmppWorld world, X509Certificate2 xmppCertificate)
    {
        _world = world;
        XmppCertificate = xmppCertificate;
    }

    /// <summary>The XMPP server's certificate, as presented in a TLS handshake (no private key).</summary>
    public X509Certificate2 XmppCertificate { get; }

    public static async Task<PoshWorld> StartAsync()
    {
        var world = new XmppWorld("PoshServer Bench Root");
        var presented = X509CertificateLoader.LoadCertificate(world.Issue(["xmpp.hoster.bench.test"]).RawData);

        // Both digests, as PoshServer publishes them: the verifier matches by the strongest (sha-512).
        var fingerprints = $$"""{"fingerprints":[{"sha-256":"{{Convert.ToBase64String(SHA256.HashData(presented.RawData))}}","sha-512":"{{Convert.ToBase64String(SHA512.HashData(presented.RawData))}}"}],"expires":3600}""";
        await world.WithWeb(world.Issue([Tenant, Direct, Hoster]), server =>
        {
            server.MapBody(Hoster, "/posh/tenant.bench.test/xmpp-server.json", fingerprints);
            server.MapBody(Tenant, "/.well-known/posh/xmpp-server.json", $$"""{"url":"https://{{Hoster}}/posh/tenant.bench.test/xmpp-server.json","expires":86400}""");
            server.MapBody(Direct, "/.well-known/posh/xmpp-server.json", fingerprints);
        }).StartAsync();
        return new PoshWorld(world, presented);
    }

    /// <summary>A verifier that trusts the world's CA and reaches every name on loopback.</summary>
    public PoshVerifier CreateVerifier(out HttpClient client)
    {
        (var verifier, client) = _world.CreateVerifier(_world.Web.ConnectCallback);
        return verifier;
    }

    public async ValueTask DisposeAsync()
    {
        await _world.DisposeAsync();
        XmppCertificate.Dispose();
    }
}
