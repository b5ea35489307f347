using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using PoshClient;
using PoshClient.Dns;
using PoshClient.Verification;
using PoshTesting;

namespace PoshServer.Tests.TenantChecks;

/// <summary>
/// An <see cref="XmppWorld"/>: tenants whose SRV records (dnsmasq) point at a real Prosody hosting each of them with a
/// different certificate, and the server's services built in process over a tenants directory that publishes some of
/// those certificates. The live probe is the server's default one (PoshClient's XMPP connector); only its DNS and
/// trust anchors are the world's.
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
    private readonly XmppWorld _world = new("PoshServer Live Probe Root");
    private PoshVerifier? _verifier;
    private HttpClient? _http;

    internal X509Certificate2 Hosted { get; private set; } = null!;

    internal X509Certificate2 Pkix { get; private set; } = null!;

    internal X509Certificate2 Unpublished { get; private set; } = null!;

    internal ProsodyServer Prosody => _world.Prosody;

    internal IServiceProvider Services => _world.Services;

    /// <summary>The port in <see cref="DownDomain"/>'s SRV record.</summary>
    internal int DownPort { get; private set; }

    public string Logs => _world.Logs;

    public static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public async Task InitializeAsync()
    {
        Hosted = _world.Issue([XmppHost]);
        Pkix = _world.Issue([PkixDomain]);
        Unpublished = _world.Issue([XmppHost]);
        await WriteTenantsAsync();

        // The tenants' web servers are not part of this world: POSH lookups fail at once (connection refused), so the
        // connector decides on PKIX alone and the web check fails; the live check is what is under test.
        var refusing = new IPEndPoint(IPAddress.Loopback, FreePort.Tcp());
        var (verifier, http) = _world.CreateVerifier(
            async (_, cancellationToken) =>
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
            },
            options => (options.NotFoundCacheTime, options.FailureCacheTime) = (TimeSpan.Zero, TimeSpan.Zero));
        (_verifier, _http) = (verifier, http);

        var hosts = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [HostedDomain] = Hosted,
            [PkixDomain] = Pkix,
            [UnpublishedDomain] = Unpublished,
            [DownDomain] = Hosted,
        };
        await _world
            .WithProsody(hosts)
            .WithDns(world =>
            {
                DownPort = FreePort.Tcp(world.Prosody.Address);
                var records = new List<DnsmasqRecord>(DnsmasqRecord.Addresses(XmppHost, world.Prosody.Address));
                foreach (var domain in new[] { HostedDomain, PkixDomain, UnpublishedDomain, DownDomain })
                {
                    records.Add(DnsmasqRecord.Srv($"_xmpp-client._tcp.{domain}", XmppHost, string.Equals(domain, DownDomain, StringComparison.Ordinal) ? DownPort : world.Prosody.C2sPort));
                }

                return records;
            })
            .WithPoshServerServices(
                _tenants.Path,
                _tenants.Combine("state/rotation.json"),
                services =>
                {
                    var dnsOptions = _world.CreateResolverOptions();
                    dnsOptions.AttemptTimeout = TimeSpan.FromSeconds(5);
                    services.AddSingleton(new DnsResolver(dnsOptions));
                    services.AddSingleton(verifier);
                    services.Configure<PoshClientOptions>(o => o.XmppChainPolicy = _world.CreateChainPolicy());
                },
                $"--TenantChecks:XmppHosts:0={XmppHost}")
            .StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        _verifier?.Dispose();
        _http?.Dispose();
        _tenants.Dispose();
    }

    private async Task WriteTenantsAsync()
    {
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
    }
}
