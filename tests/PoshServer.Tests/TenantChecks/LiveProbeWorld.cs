using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Verification;
using PoshTesting;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// Tenants whose SRV records (dnsmasq) point at a real Prosody hosting each of them with a different certificate,
/// and the server's services built over a tenants directory that publishes some of those certificates. The live
/// probe is the server's default one (PoshClient's XMPP connector); only its DNS and trust anchors are the world's.
/// </summary>
public sealed class LiveProbeWorld : IAsyncLifetime
{
    public const string XmppHost = "xmpp.hosting.test";

    /// <summary>Prosody presents a published certificate that names only the hoster: a peer rejects it here (no POSH document is reachable), the check passes.</summary>
    public const string HostedDomain = "hosted.test";

    /// <summary>Prosody presents a published certificate for the tenant itself from a trusted CA: the connection is accepted.</summary>
    public const string PkixDomain = "pkix.test";

    /// <summary>Prosody presents a certificate we do not publish.</summary>
    public const string UnpublishedDomain = "unpublished.test";

    /// <summary>The SRV record points at a port where nothing listens.</summary>
    public const string DownDomain = "down.test";

    private readonly TempDirectory _tenants = new("posh-live-probe-");
    private readonly TestCertificateAuthority _ca = new("PoshServer Live Probe Root");
    private ProsodyServer? _prosody;
    private DnsmasqServer? _dns;
    private WebApplication? _app;
    private HttpClient? _http;
    private PoshVerifier? _verifier;

    internal X509Certificate2 Hosted { get; private set; } = null!;

    internal X509Certificate2 Pkix { get; private set; } = null!;

    internal X509Certificate2 Unpublished { get; private set; } = null!;

    internal ProsodyServer Prosody => _prosody ?? throw new InvalidOperationException("not started");

    internal IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("not started");

    /// <summary>The port in <see cref="DownDomain"/>'s SRV record.</summary>
    internal int DownPort { get; private set; }

    public string Logs => $"--- dnsmasq\n{_dns?.Output}\n--- prosody\n{_prosody?.Log}";

    public static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public async Task InitializeAsync()
    {
        Hosted = _ca.Issue([XmppHost]);
        Pkix = _ca.Issue([PkixDomain]);
        Unpublished = _ca.Issue([XmppHost]);
        _prosody = await ProsodyServer.StartAsync(new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [HostedDomain] = Hosted,
            [PkixDomain] = Pkix,
            [UnpublishedDomain] = Unpublished,
            [DownDomain] = Hosted,
        });
        DownPort = FreePort.Tcp(_prosody.Address);
        var records = new List<DnsmasqRecord>(DnsmasqRecord.Addresses(XmppHost, _prosody.Address));
        foreach (var domain in new[] { HostedDomain, PkixDomain, UnpublishedDomain, DownDomain })
        {
            records.Add(DnsmasqRecord.Srv($"_xmpp-client._tcp.{domain}", XmppHost, string.Equals(domain, DownDomain, StringComparison.Ordinal) ? DownPort : _prosody.C2sPort));
        }

        _dns = await DnsmasqServer.StartAsync(records, ["test"]);

        Directory.CreateDirectory(_tenants.Combine("certs"));
        TestCertificates.WritePem(Hosted, _tenants.Combine("certs/hosting.pem"));
        TestCertificates.WritePem(Pkix, _tenants.Combine("certs/pkix.pem"));
        await File.WriteAllTextAsync(_tenants.Combine("_certificate-sets.yaml"), """
            default:
              certificates:
                - certs/hosting.pem
                - certs/pkix.pem
            """);
        foreach (var domain in new[] { HostedDomain, PkixDomain, UnpublishedDomain, DownDomain })
        {
            await File.WriteAllTextAsync(_tenants.Combine(domain + ".yaml"), $"domain: {domain}\nservices: [xmpp-client]\nexpires: 3600\n");
        }

        // The tenants' web servers are not part of this world: POSH lookups fail at once (connection refused), so the
        // connector decides on PKIX alone and the web check fails; the live check is what is under test.
        var options = new PoshClientOptions { WebChainPolicy = _ca.CreateChainPolicy(), NotFoundCacheTime = TimeSpan.Zero, FailureCacheTime = TimeSpan.Zero };
        var handler = PoshVerifier.CreateHttpHandler(options);
        var refusing = new IPEndPoint(IPAddress.Loopback, FreePort.Tcp());
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(refusing, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        _http = new HttpClient(handler);
        _verifier = new PoshVerifier(_http, options);

        var builder = PoshServerApp.CreateBuilder(
        [
            $"--Tenants:Directory={_tenants.Path}",
            $"--Rotation:StatePath={_tenants.Combine("state/rotation.json")}",
            "--Admin:Enabled=false",
            "--TenantChecks:Background=false",
            $"--TenantChecks:XmppHosts:0={XmppHost}",
            $"--Posh:HostNames:0={PoshServerHost.HosterName}",
            $"--Posh:PublicBaseUrl=https://{PoshServerHost.HosterName}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        var dnsOptions = new DnsResolverOptions { AttemptTimeout = TimeSpan.FromSeconds(5) };
        dnsOptions.Servers.Add(_dns.EndPoint);
        builder.Services.AddSingleton(new DnsResolver(dnsOptions));
        builder.Services.AddSingleton(_verifier);
        builder.Services.Configure<PoshClientOptions>(o => o.XmppChainPolicy = _ca.CreateChainPolicy());
        _app = PoshServerApp.Build(builder);
        Assert.Empty(PoshServerApp.LoadBeforeStart(_app));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _verifier?.Dispose();
        _http?.Dispose();
        foreach (var component in new IAsyncDisposable?[] { _dns, _prosody })
        {
            if (component is not null)
            {
                await component.DisposeAsync();
            }
        }

        Hosted?.Dispose();
        Pkix?.Dispose();
        Unpublished?.Dispose();
        _ca.Dispose();
        _tenants.Dispose();
    }
}
