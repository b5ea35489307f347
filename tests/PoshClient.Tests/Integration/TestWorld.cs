using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;
using PoshTesting;

namespace PoshClient.Tests.Integration;

/// <summary>
/// One hosting provider and its tenants, built from real components on loopback and shared by the integration
/// tests (started once per test run):
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
/// (<see cref="TenantWebServerDomains"/>) the world's HTTP connect callback keeps the DNS resolution but dials
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
    private ProsodyServer? _prosody;
    private DnsmasqServer? _dns;
    private WorldPoshServer? _poshServer;
    private NginxServer? _nginx;

    /// <summary>The tenant names whose web server is nginx (their HTTPS port 443 is mapped to nginx's port).</summary>
    public static IReadOnlySet<string> TenantWebServerDomains { get; } =
        new HashSet<string>([ReferenceDomain, RedirectDomain, MissingDomain, ExpiredDomain], StringComparer.OrdinalIgnoreCase);

    internal TestCertificateAuthority Authority { get; } = new("PoshServer Test World Root");

    /// <summary>Prosody's certificate for the hosted tenants: names only <see cref="HosterXmppName"/>.</summary>
    internal X509Certificate2 HosterCertificate { get; private set; } = null!;

    /// <summary>An expired certificate for <see cref="HosterXmppName"/>, presented for <see cref="ExpiredDomain"/>.</summary>
    internal X509Certificate2 ExpiredHosterCertificate { get; private set; } = null!;

    /// <summary>A certificate Prosody never presents; the only one in <see cref="MismatchDomain"/>'s document.</summary>
    internal X509Certificate2 OtherCertificate { get; private set; } = null!;

    internal ProsodyServer Prosody => _prosody ?? throw NotStarted();

    internal DnsmasqServer Dns => _dns ?? throw NotStarted();

    internal WorldPoshServer PoshServer => _poshServer ?? throw NotStarted();

    internal NginxServer Nginx => _nginx ?? throw NotStarted();

    /// <summary>The output of every component, for assertion messages.</summary>
    public string Logs =>
        $"--- dnsmasq\n{_dns?.Output}\n--- PoshServer\n{_poshServer?.Output}\n--- nginx\n{_nginx?.Output}\n--- prosody\n{_prosody?.Log}";

    public async Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow;
        HosterCertificate = Authority.Issue([HosterXmppName]);
        ExpiredHosterCertificate = Authority.Issue([HosterXmppName], now.AddDays(-60), now.AddDays(-1));
        OtherCertificate = Authority.Issue(["xmpp.other-hosting.test"]);
        // Prosody and PoshServer do not depend on each other: start both at once.
        var prosody = ProsodyServer.StartAsync(ProsodyHosts());
        var poshServer = StartPoshServerAsync();
        try
        {
            _prosody = await prosody;
            _dns = await DnsmasqServer.StartAsync(Records(_prosody));
            _poshServer = await poshServer;
            _nginx = await NginxServer.StartAsync(await TenantSitesAsync());
        }
        catch
        {
            // Stop whatever did start, including a server still starting when another component failed.
            foreach (var pending in new Task[] { prosody, poshServer })
            {
                await pending.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            _prosody ??= prosody.IsCompletedSuccessfully ? prosody.Result : null;
            _poshServer ??= poshServer.IsCompletedSuccessfully ? poshServer.Result : null;
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var component in new IAsyncDisposable?[] { _nginx, _poshServer, _dns, _prosody })
        {
            if (component is not null)
            {
                await component.DisposeAsync();
            }
        }

        _nginx = null;
        _poshServer = null;
        _dns = null;
        _prosody = null;
        _tenants.Dispose();
        HosterCertificate?.Dispose();
        ExpiredHosterCertificate?.Dispose();
        OtherCertificate?.Dispose();
        Authority.Dispose();
    }

    /// <summary>A resolver that asks the world's dnsmasq (after <paramref name="firstServers"/>, if any).</summary>
    internal DnsResolver CreateResolver(params IPEndPoint[] firstServers)
    {
        var options = new DnsResolverOptions { AttemptTimeout = TimeSpan.FromSeconds(1), Attempts = 2, ConnectTimeout = TimeSpan.FromSeconds(5) };
        foreach (var server in firstServers.Append(Dns.EndPoint))
        {
            options.Servers.Add(server);
        }

        return new DnsResolver(options);
    }

    /// <summary>
    /// A client with a fresh cache. <paramref name="connectorResolver"/> replaces the resolver of the XMPP connector
    /// only (POSH retrieval keeps the world's plain resolver).
    /// </summary>
    internal WorldClient CreateClient(DnsResolver? connectorResolver = null, TimeProvider? timeProvider = null)
    {
        var options = new PoshClientOptions { WebChainPolicy = Authority.CreateChainPolicy(), LookupTimeout = TimeSpan.FromSeconds(10) };
        var recording = new RecordingHttpHandler(CreateHttpHandler(options));
        var http = new HttpClient(recording, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var verifier = new PoshVerifier(http, options, timeProvider);
        var validator = new PoshCertificateValidator(verifier, new PoshCertificateValidatorOptions { ChainPolicy = Authority.CreateChainPolicy() }, timeProvider);
        var connector = new XmppConnector(connectorResolver ?? CreateResolver(), validator, timeProvider);
        return new WorldClient(http, recording, verifier, validator, connector);
    }

    /// <summary>PoshClient's handler for POSH retrieval, connecting through the world's DNS (see the remarks on the class).</summary>
    internal SocketsHttpHandler CreateHttpHandler(PoshClientOptions options)
    {
        var resolver = CreateResolver();
        var viaDns = resolver.CreateHttpConnectCallback();
        var mappedPorts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (_poshServer is { EndPoint.Port: not 443 } poshServer)
        {
            foreach (var name in s_poshServerNames)
            {
                mappedPorts[name] = poshServer.EndPoint.Port;
            }
        }

        if (_nginx is { } nginx)
        {
            foreach (var name in TenantWebServerDomains)
            {
                mappedPorts[name] = nginx.Port;
            }
        }

        var handler = PoshVerifier.CreateHttpHandler(options);
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            if (context.DnsEndPoint.Port == 443 && mappedPorts.TryGetValue(context.DnsEndPoint.Host, out var port))
            {
                // The port mapping in front of the web server; the address still comes from the world's DNS.
                var socket = await resolver.ConnectAsync(context.DnsEndPoint.Host, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }

            return await viaDns(context, cancellationToken);
        };
        return handler;
    }

    private static InvalidOperationException NotStarted() => new("The test world is not started.");

    private Dictionary<string, X509Certificate2> ProsodyHosts()
    {
        var hosts = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [PkixDomain] = Authority.Issue([PkixDomain]),
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

    private async Task<WorldPoshServer> StartPoshServerAsync()
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

        // One HTTPS certificate for the hoster's name and every tenant whose /.well-known/posh/ PoshServer serves by Host.
        using var https = Authority.Issue(s_poshServerNames);
        return await WorldPoshServer.StartAsync(s_poshServerAddress, _tenants.Path, HosterPoshName, https);
    }

    private async Task<List<NginxSite>> TenantSitesAsync()
    {
        // The operator's workflow: download the reference files PoshServer issues and put them in the tenant's web root.
        using var http = new HttpClient(CreateHttpHandler(new PoshClientOptions { WebChainPolicy = Authority.CreateChainPolicy() })) { Timeout = TimeSpan.FromSeconds(15) };
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
                Certificate = Authority.Issue([ReferenceDomain]),
                Files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
                {
                    ["/.well-known/posh/xmpp-client.json"] = referenceClient,
                    ["/.well-known/posh/xmpp-server.json"] = referenceServer,
                },
            },
            new NginxSite
            {
                ServerName = RedirectDomain,
                Certificate = Authority.Issue([RedirectDomain]),
                Redirects = new Dictionary<string, (int Status, string Location)>(StringComparer.Ordinal)
                {
                    ["/.well-known/posh/xmpp-client.json"] = (302, $"https://{HosterPoshName}/posh/{RedirectDomain}/xmpp-client.json"),
                },
            },
            new NginxSite { ServerName = MissingDomain, Certificate = Authority.Issue([MissingDomain]) },
            new NginxSite
            {
                ServerName = ExpiredDomain,
                Certificate = Authority.Issue([ExpiredDomain]),
                Files = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["/.well-known/posh/xmpp-client.json"] = expiredDocument },
            },
        ];
    }
}
