using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshServer.Benchmarks.Xmpp;

/// <summary>
/// The set-up both connection benchmarks share: a test world whose Prosody hosts a domain with a certificate naming it
/// (PKIX, the baseline) and a tenant whose certificate names only the hoster (accepted by POSH or DANE, depending on
/// what the benchmark adds to the world: DNS, and the routes of the scripted web server every client fetches from).
/// </summary>
internal sealed class ConnectBenchWorld : IAsyncDisposable
{
    private readonly XmppWorld _world;

    private ConnectBenchWorld(XmppWorld world, X509Certificate2 hosterCertificate)
    {
        _world = world;
        HosterCertificate = hosterCertificate;
    }

    /// <summary>The tenant's certificate, which names only the hoster.</summary>
    public X509Certificate2 HosterCertificate { get; }

    public ProsodyServer Prosody => _world.Prosody;

    /// <param name="authorityName">The CA's name.</param>
    /// <param name="pkixDomain">Hosted with a certificate for itself.</param>
    /// <param name="tenantDomain">Hosted with <see cref="HosterCertificate"/>.</param>
    /// <param name="hosterName">The only name in <see cref="HosterCertificate"/>.</param>
    /// <param name="complete">Adds the web server (required: the clients fetch POSH from it) and any DNS, given the hoster's certificate.</param>
    public static async Task<ConnectBenchWorld> StartAsync(string authorityName, string pkixDomain, string tenantDomain, string hosterName, Action<XmppWorld, X509Certificate2> complete)
    {
        var world = new XmppWorld(authorityName);
        try
        {
            var hoster = world.Issue([hosterName]);
            world.WithProsody(new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
            {
                [pkixDomain] = world.Issue([pkixDomain]),
                [tenantDomain] = hoster,
            });
            complete(world, hoster);
            await world.StartAsync();
            return new ConnectBenchWorld(world, hoster);
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects once and closes; throws when the stream is not authenticated, or by another proof than <paramref name="expected"/>.</summary>
    public static async Task ConnectAsync(XmppConnector connector, string domain, CertificateProofType? expected = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await connector.ConnectAsync(domain, PoshService.XmppClient, options: null, timeout.Token);
        if (!result.IsConnected || (expected is { } proof && result.Report.ProofType != proof))
        {
            throw new InvalidOperationException($"{domain}: {result.Report.ProofType}: {result.Reason}");
        }

        await result.Connection.DisposeAsync();
    }

    /// <summary>A client with nothing cached, fetching POSH from the web server; <paramref name="createConnector"/> replaces the connector's DNS.</summary>
    public WorldClient CreateClient(Func<PoshCertificateValidator, XmppConnector>? createConnector = null) =>
        _world.CreateClient(_world.Web.ConnectCallback, createConnector: createConnector);

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
