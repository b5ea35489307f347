using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PoshClient.Pkix;

namespace PoshTesting;

/// <summary>
/// The real Pebble ACME test CA (Debian package <c>pebble</c>) on free loopback ports, with <c>pebble-challtestsrv</c>
/// as its DNS (every name resolves to 127.0.0.1 unless a test maps it elsewhere). Pebble's own TLS certificate is
/// minted at start by a throw-away CA that only the ACME client of the test trusts. Validation is real: Pebble
/// connects to 127.0.0.1:<see cref="HttpPort"/> for http-01, where the test runs the challenge responder.
/// </summary>
internal sealed class PebbleServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("pebble-");
    private readonly TestCertificateAuthority _tlsAuthority = new("Pebble TLS Test Root");
    private readonly Dictionary<string, string> _environment;
    private readonly HttpClient _http;
    private ExternalProcess? _dns;
    private ExternalProcess? _pebble;

    private PebbleServer(int nonceRejectPercent, IReadOnlyDictionary<string, string>? environment)
    {
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PEBBLE_VA_NOSLEEP"] = "1",
            ["PEBBLE_WFE_NONCEREJECT"] = nonceRejectPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>(StringComparer.Ordinal))
        {
            _environment[key] = value;
        }
        // Pebble's TLS certificate names 127.0.0.1, the address every URL here uses: trust its throw-away root the
        // library's way (chain and name checked), not with a callback of our own.
        var handler = new SocketsHttpHandler();
        TrustedRoots.Apply(handler, _tlsAuthority.CreateChainPolicy());
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public int ListenPort { get; } = FreePort.Tcp();

    public int ManagementPort { get; } = FreePort.Tcp();

    /// <summary>Where Pebble's VA connects for http-01: the test's challenge responder listens here.</summary>
    public int HttpPort { get; } = FreePort.Tcp();

    public int TlsPort { get; } = FreePort.Tcp();

    public int DnsPort { get; } = FreePort.TcpAndUdp();

    public int DnsManagementPort { get; } = FreePort.Tcp();

    public Uri DirectoryUrl => new($"https://127.0.0.1:{ListenPort}/dir");

    /// <summary>PEM of the root that signs Pebble's HTTPS certificate (for the ACME client's custom trust).</summary>
    public string TlsRootPemPath => _directory.Combine("tls-root.pem");

    /// <summary>The root of the certificates Pebble issues; regenerated on every Pebble start.</summary>
    public X509Certificate2 IssuingRoot { get; private set; } = null!;

    public string Output => $"--- pebble ---\n{_pebble?.Output}\n--- challtestsrv ---\n{_dns?.Output}";

    /// <param name="nonceRejectPercent">PEBBLE_WFE_NONCEREJECT.</param>
    /// <param name="environment">Further PEBBLE_* settings (e.g. PEBBLE_VA_NOSLEEP=0 to let validation take seconds).</param>
    public static async Task<PebbleServer> StartAsync(int nonceRejectPercent = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        var server = new PebbleServer(nonceRejectPercent, environment);
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the CA (DNS stays up): the client sees connection failures until <see cref="StartPebbleAsync"/>.</summary>
    public async Task StopPebbleAsync()
    {
        if (_pebble is not null)
        {
            await _pebble.DisposeAsync();
            _pebble = null;
        }
    }

    /// <summary>Starts Pebble on the same ports; it has forgotten all accounts and orders, and has a new issuing root.</summary>
    public async Task StartPebbleAsync()
    {
        _pebble = ExternalProcess.Start(
            "pebble",
            ["-config", _directory.Combine("pebble-config.json"), "-dnsserver", $"127.0.0.1:{DnsPort}"],
            _directory.Path,
            _environment);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(DirectoryUrl, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (!_pebble.HasExited)
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException ex)
            {
                throw new TimeoutException($"Pebble did not serve its directory within 20 s:\n{Output}", ex);
            }

            if (_pebble.HasExited)
            {
                throw new InvalidOperationException($"Pebble exited:\n{Output}");
            }
        }

        var rootPem = await _http.GetStringAsync(new Uri($"https://127.0.0.1:{ManagementPort}/roots/0"), deadline.Token);
        IssuingRoot = X509Certificate2.CreateFromPem(rootPem);
    }

    /// <summary>Makes pebble-challtestsrv answer A queries for <paramref name="hostName"/> with <paramref name="address"/>.</summary>
    public async Task MapHostAsync(string hostName, IPAddress address)
    {
        using var response = await _http.PostAsJsonAsync(
            new Uri($"http://127.0.0.1:{DnsManagementPort}/add-a"),
            new Dictionary<string, object>(StringComparer.Ordinal) { ["host"] = hostName.TrimEnd('.') + ".", ["addresses"] = new[] { address.ToString() } });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A chain policy that trusts exactly Pebble's current issuing root, as a client of the served site would.</summary>
    public X509ChainPolicy CreateIssuedChainPolicy() => TrustedRoots.CreateChainPolicy([IssuingRoot]);

    public async ValueTask DisposeAsync()
    {
        await StopPebbleAsync();
        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }

        _http.Dispose();
        IssuingRoot?.Dispose();
        _tlsAuthority.Dispose();
        _directory.Dispose();
    }

    private async Task InitializeAsync()
    {
        File.WriteAllText(TlsRootPemPath, _tlsAuthority.Certificate.ExportCertificatePem() + "\n");
        using (var tls = _tlsAuthority.Issue(["localhost", "127.0.0.1"]))
        {
            TestCertificates.WritePem(tls, _directory.Combine("cert.pem"), _directory.Combine("key.pem"));
        }

        var config = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["pebble"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["listenAddress"] = $"127.0.0.1:{ListenPort}",
                ["managementListenAddress"] = $"127.0.0.1:{ManagementPort}",
                ["certificate"] = _directory.Combine("cert.pem"),
                ["privateKey"] = _directory.Combine("key.pem"),
                ["httpPort"] = HttpPort,
                ["tlsPort"] = TlsPort,
                ["ocspResponderURL"] = string.Empty,
                ["externalAccountBindingRequired"] = false,
            },
        };
        File.WriteAllText(_directory.Combine("pebble-config.json"), JsonSerializer.Serialize(config));

        // DNS only: the challenge listeners are disabled (they would take the ports the app needs), and AAAA answers
        // are empty because Pebble 2.4.0 dials the first address and would pick ::1.
        _dns = ExternalProcess.Start(
            "pebble-challtestsrv",
            [
                "-http01", string.Empty, "-https01", string.Empty, "-tlsalpn01", string.Empty,
                "-dns01", $"127.0.0.1:{DnsPort}", "-management", $"127.0.0.1:{DnsManagementPort}",
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", string.Empty,
            ],
            _directory.Path);
        await _dns.WaitForTcpAsync(new IPEndPoint(IPAddress.Loopback, DnsManagementPort), TimeSpan.FromSeconds(20));
        await StartPebbleAsync();
    }
}
