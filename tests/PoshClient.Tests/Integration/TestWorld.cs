using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Integration;

/// <summary>
/// One hosting provider and its tenants, an <see cref="XmppWorld"/> of real components on loopback shared by the
/// integration tests (started once per test run):
/// <list type="bullet">
/// <item>a test CA that issues every certificate, trusted only by the world's clients;</item>
/// <item>dnsmasq answering the SRV and A records of the tenants under <c>.test</c>; every name the clients use,
/// for XMPP and for HTTPS, is resolved through it by PoshClient's own resolver;</item>
/// <item>Prosody (the hoster's XMPP server, <c>xmpp.hosting.test</c>) hosting the tenants with a certificate that
/// names only the hoster, plus <c>pkix.test</c> with a certificate for itself, and <c>expired.test</c> with an
/// expired hoster certificate;</item>
/// <item>the PoshServer executable on <c>127.0.44.1:443</c> for <c>posh.hosting.test</c> and the tenants whose
/// <c>/.well-known/posh/</c> it serves by Host, from a tenants directory whose default certificate set is Prosody's
/// certificate;</item>
/// <item>nginx as the tenants' own web servers: a reference file in the web root, a 302 redirect to PoshServer's
/// per-tenant URL, a plain fingerprints document, and a site that publishes nothing.</item>
/// </list>
/// </summary>
/// <remarks>
/// PoshServer listens on the real HTTPS port 443 of its own loopback address, so the fetcher's default-port URLs
/// reach it unchanged. The nginx fixture listens on 127.0.0.1 with a free port; for the tenant names it serves
/// (<see cref="TenantWebServerDomains"/>) the clients' HTTP connect callback keeps the DNS resolution but dials
/// nginx's port instead of 443, as a port mapping in front of a web server would (likewise for PoshServer's names
/// when port 443 could not be bound, i.e. when not running as root). Every other connection is made by
/// <see cref="DnsResolver.CreateHttpConnectCallback"/> unchanged.
/// </remarks>
public sealed class TestWorld : IAsyncLifetime
{
    public const string HosterXmppName = "xmpp.hosting.test";
    public const string HosterPoshName = "posh.hosting.test";

    /// <summary>Prosody presents a certificate for this very name: PKIX succeeds.</summary>
    public const string PkixDomain = "pkix.test";

    /// <summary>PoshServer serves the tenant's <c>/.well-known/posh/</c> itself (selected by Host).</summary>
    public const string DirectDomain = "direct.test";

    /// <summary>nginx serves a reference file (downloaded from PoshServer) pointing at PoshServer's per-tenant URL; also for s2s.</summary>
    public const string ReferenceDomain = "reference.test";

    /// <summary>nginx answers the well-known URL with a 302 to PoshServer's per-tenant URL.</summary>
    public const string RedirectDomain = "redirect.test";

    /// <summary>PoshServer publishes a certificate set that does not contain Prosody's certificate.</summary>
    public const string MismatchDomain = "mismatch.test";

    /// <summary>nginx publishes nothing: 404.</summary>
    public const string MissingDomain = "missing.test";

    /// <summary>Prosody presents an expired hoster certificate, which the fingerprints document on nginx lists.</summary>
    public const string ExpiredDomain = "expired.test";

    /// <summary>Only XEP-0368 direct TLS is published (<c>_xmpps-client._tcp</c>); POSH from PoshServer by Host.</summary>
    public const string DirectTlsDomain = "directtls.test";

    /// <summary>SRV: two targets at priority 10 that refuse connections, then Prosody at priority 20.</summary>
    public const string FailoverDomain = "failover.test";

    /// <summary>SRV target "." : the service is decidedly not offered.</summary>
    public const string NoServiceDomain = "noservice.test";

    /// <summary>An SRV answer larger than 1232 bytes: truncated over UDP, complete over TCP.</summary>
    public const string LargeSrvDomain = "large.test";

    /// <summary>A server domain outside the hoster (Prosody refuses s2s streams "from" a host it serves itself).</summary>
    public const string PeerDomain = "peer.test";

    /// <summary>A name whose address refuses connections (nothing listens on it).</summary>
    public const string RefusingHost1 = "down1.hosting.test";

    /// <summary>A second name whose address refuses connections.</summary>
    public const string RefusingHost2 = "down2.hosting.test";

    /// <summary>How many unreachable filler targets <see cref="LargeSrvDomain"/> has besides Prosody.</summary>
    public const int LargeSrvFillers = 30;

    /// <summary>The names PoshServer answers HTTPS for: the hoster's, and the tenants whose well-known path it serves by Host.</summary>
    private static readonly string[] s_poshServerNames = [HosterPoshName, DirectDomain, MismatchDomain, DirectTlsDomain, FailoverDomain, LargeSrvDomain];

    private static readonly IPAddress s_poshServerAddress = IPAddress.Parse("127.0.44.1");
    private static readonly IPAddress s_refusingAddress1 = IPAddress.Parse("127.0.44.2");
    private static readonly IPAddress s_refusingAddress2 = IPAddress.Parse("127.0.44.3");

    private readonly TempDirectory _tenants = new("posh-world-tenants-");
    private XmppWorld _world = null!;

    /// <summary>The tenant names whose web server is nginx (their HTTPS port 443 is mapped to nginx's port).</summary>
    public static IReadOnlySet<string> TenantWebServerDomains { get; } =
        new HashSet<string>([ReferenceDomain, RedirectDomain, MissingDomain, ExpiredDomain], StringComparer.OrdinalIgnoreCase);

    internal TestCertificateAuthority Authority => _world.Authority;

    /// <summary>Prosody's certificate for the hosted tenants: names only <see cref="HosterXmppName"/>.</summary>
    internal X509Certificate2 HosterCertificate { get; private set; } = null!;

    /// <summary>An expired certificate for <see cref="HosterXmppName"/>, presented for <see cref="ExpiredDomain"/>.</summary>
    internal X509Certificate2 ExpiredHosterCertificate { get; private set; } = null!;

    /// <summary>A certificate Prosody never presents; the only one in <see cref="MismatchDomain"/>'s document.</summary>
    internal X509Certificate2 OtherCertificate { get; private set; } = null!;

    internal ProsodyServer Prosody => _world.Prosody;

    internal DnsmasqServer Dns => _world.Dns;

    internal PoshServerExecutable PoshServer => _world.PoshServer;

    internal NginxServer Nginx => _world.Nginx;

    /// <summary>The output of every component, for assertion messages.</summary>
    public string Logs => _world.Logs;

    public async Task InitializeAsync()
    {
        _world = new XmppWorld("PoshServer Test World Root");
        var now = DateTimeOffset.UtcNow;
        HosterCertificate = _world.Issue([HosterXmppName]);
        ExpiredHosterCertificate = _world.Issue([HosterXmppName], now.AddDays(-60), now.AddDays(-1));
        OtherCertificate = _world.Issue(["xmpp.other-hosting.test"]);
        WriteTenants();
        await _world
            .WithProsody(ProsodyHosts())
            .WithDns(world => Records(world.Prosody))
            // One HTTPS certificate for the hoster's name and every tenant whose /.well-known/posh/ PoshServer serves by Host.
            .WithPoshServer(s_poshServerAddress, _tenants.Path, HosterPoshName, _world.Issue(s_poshServerNames))
            .WithNginx(TenantSitesAsync)
            .StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        _tenants.Dispose();
    }

    /// <summary>A resolver that asks the world's dnsmasq (after <paramref name="firstServers"/>, if any).</summary>
    internal DnsResolver CreateResolver(params IPEndPoint[] firstServers) => CreateResolver(_world, firstServers);

    /// <summary>
    /// A client with a fresh cache. <paramref name="connectorResolver"/> replaces the resolver of the XMPP connector
    /// only (POSH retrieval keeps the world's plain resolver).
    /// </summary>
    internal WorldClient CreateClient(DnsResolver? connectorResolver = null, TimeProvider? timeProvider = null) =>
        _world.CreateClient(
            ConnectThroughDns(_world),
            options => options.LookupTimeout = TimeSpan.FromSeconds(10),
            createConnector: validator => new XmppConnector(connectorResolver ?? CreateResolver(), validator, timeProvider),
            timeProvider: timeProvider);

    private static DnsResolver CreateResolver(XmppWorld world, params IPEndPoint[] firstServers)
    {
        var options = world.CreateResolverOptions(firstServers);
        options.AttemptTimeout = TimeSpan.FromSeconds(1);
        options.Attempts = 2;
        options.ConnectTimeout = TimeSpan.FromSeconds(5);
        return new DnsResolver(options);
    }

    /// <summary>HTTPS connections for POSH retrieval, through the world's DNS (see the remarks on the class).</summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectThroughDns(XmppWorld world)
    {
        var resolver = CreateResolver(world);
        var viaDns = resolver.CreateHttpConnectCallback();
        var mappedPorts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (world.HasPoshServer && world.PoshServer.EndPoint.Port != 443)
        {
            foreach (var name in s_poshServerNames)
            {
                mappedPorts[name] = world.PoshServer.EndPoint.Port;
            }
        }

        if (world.HasNginx)
        {
            foreach (var name in TenantWebServerDomains)
            {
                mappedPorts[name] = world.Nginx.Port;
            }
        }

        return async (context, cancellationToken) =>
        {
            if (context.DnsEndPoint.Port == 443 && mappedPorts.TryGetValue(context.DnsEndPoint.Host, out var port))
            {
                // The port mapping in front of the web server; the address still comes from the world's DNS.
                var socket = await resolver.ConnectAsync(context.DnsEndPoint.Host, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }

            return await viaDns(context, cancellationToken);
        };
    }

    private Dictionary<string, X509Certificate2> ProsodyHosts()
    {
        var hosts = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [PkixDomain] = _world.Issue([PkixDomain]),
            [ExpiredDomain] = ExpiredHosterCertificate,
        };
        foreach (var tenant in new[] { DirectDomain, ReferenceDomain, RedirectDomain, MismatchDomain, MissingDomain, DirectTlsDomain, FailoverDomain, LargeSrvDomain })
        {
            hosts[tenant] = HosterCertificate;
        }

        return hosts;
    }

    private static List<DnsmasqRecord> Records(ProsodyServer prosody)
    {
        var records = new List<DnsmasqRecord>();
        records.AddRange(DnsmasqRecord.Addresses(HosterXmppName, prosody.Address));
        records.AddRange(DnsmasqRecord.Addresses(RefusingHost1, s_refusingAddress1));
        records.AddRange(DnsmasqRecord.Addresses(RefusingHost2, s_refusingAddress2));
        foreach (var name in s_poshServerNames)
        {
            records.AddRange(DnsmasqRecord.Addresses(name, s_poshServerAddress));
        }

        foreach (var name in TenantWebServerDomains)
        {
            records.AddRange(DnsmasqRecord.Addresses(name, IPAddress.Loopback));
        }

        foreach (var tenant in new[] { PkixDomain, DirectDomain, ReferenceDomain, RedirectDomain, MismatchDomain, MissingDomain, ExpiredDomain })
        {
            records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + tenant, HosterXmppName, prosody.C2sPort, priority: 10));
        }

        records.Add(DnsmasqRecord.Srv("_xmpp-server._tcp." + ReferenceDomain, HosterXmppName, prosody.S2sPort, priority: 10));
        records.Add(DnsmasqRecord.Srv("_xmpps-client._tcp." + DirectTlsDomain, HosterXmppName, prosody.C2sDirectTlsPort, priority: 10));

        // RFC 2782: the lowest priority first, weights only order within a priority.
        records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + FailoverDomain, RefusingHost1, 5222, priority: 10, weight: 60));
        records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + FailoverDomain, RefusingHost2, 5222, priority: 10, weight: 40));
        records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + FailoverDomain, HosterXmppName, prosody.C2sPort, priority: 20, weight: 0));

        records.Add(DnsmasqRecord.NoService("_xmpp-client._tcp." + NoServiceDomain));

        // Far more than 1232 bytes of SRV records: dnsmasq sets TC over UDP; Prosody is the one at priority 0.
        records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + LargeSrvDomain, HosterXmppName, prosody.C2sPort, priority: 0));
        for (var i = 0; i < LargeSrvFillers; i++)
        {
            var filler = string.Create(CultureInfo.InvariantCulture, $"unreachable-filler-target-with-a-long-name-{i:00}.{LargeSrvDomain}");
            records.Add(DnsmasqRecord.Srv("_xmpp-client._tcp." + LargeSrvDomain, filler, 5222, priority: 50, weight: i));
        }

        return records;
    }

    private void WriteTenants()
    {
        Directory.CreateDirectory(_tenants.Combine("certs"));
        File.WriteAllText(_tenants.Combine("certs", "hosting.pem"), HosterCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(_tenants.Combine("certs", "other.pem"), OtherCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(_tenants.Combine("_certificate-sets.yaml"), """
            default:
              description: the hoster's Prosody
              certificates:
                - certs/hosting.pem
            other:
              description: a cluster that does not serve these tenants
              certificates:
                - certs/other.pem
            """);
        foreach (var tenant in new[] { DirectDomain, ReferenceDomain, RedirectDomain, DirectTlsDomain, FailoverDomain, LargeSrvDomain })
        {
            File.WriteAllText(_tenants.Combine(tenant + ".yaml"), $"domain: {tenant}\n");
        }

        File.WriteAllText(_tenants.Combine(MismatchDomain + ".yaml"), $"domain: {MismatchDomain}\ncertificate_set: other\n");
    }

    private async Task<IReadOnlyList<NginxSite>> TenantSitesAsync(XmppWorld world)
    {
        // The operator's workflow: download the reference files PoshServer issues and put them in the tenant's web root.
        using var http = world.CreateHttpClient(ConnectThroughDns(world));
        http.Timeout = TimeSpan.FromSeconds(15);
        var referenceClient = await http.GetByteArrayAsync(new Uri($"https://{HosterPoshName}/posh/{ReferenceDomain}/reference/xmpp-client.json"));
        var referenceServer = await http.GetByteArrayAsync(new Uri($"https://{HosterPoshName}/posh/{ReferenceDomain}/reference/xmpp-server.json"));
        var expiredDocument = PoshDocumentWriter.Write(new FingerprintsDocument
        {
            Fingerprints = [FingerprintDescriptor.FromCertificate(ExpiredHosterCertificate)],
            Expires = 3600,
        });

        return
        [
            new NginxSite
            {
                ServerName = ReferenceDomain,
                Certificate = world.Issue([ReferenceDomain]),
                Files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
                {
                    ["/.well-known/posh/xmpp-client.json"] = referenceClient,
                    ["/.well-known/posh/xmpp-server.json"] = referenceServer,
                },
            },
            new NginxSite
            {
                ServerName = RedirectDomain,
                Certificate = world.Issue([RedirectDomain]),
                Redirects = new Dictionary<string, (int Status, string Location)>(StringComparer.Ordinal)
                {
                    ["/.well-known/posh/xmpp-client.json"] = (302, $"https://{HosterPoshName}/posh/{RedirectDomain}/xmpp-client.json"),
                },
            },
            new NginxSite { ServerName = MissingDomain, Certificate = world.Issue([MissingDomain]) },
            new NginxSite
            {
                ServerName = ExpiredDomain,
                Certificate = world.Issue([ExpiredDomain]),
                Files = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["/.well-known/posh/xmpp-client.json"] = expiredDocument },
            },
        ];
    }
}
