using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PoshClient;
using PoshClient.Verification;
using PoshServer.Export;
using PoshTesting;

namespace PoshServer.Tests.Export;

/// <summary>
/// A hoster that serves POSH from its existing nginx, with PoshServer as the control plane: <c>export --watch</c>
/// (in process, the same code the command runs) writes the tenants directory's snapshot, and a real nginx on
/// 127.0.55.1 serves it through the generated configuration. <see cref="ReferenceDomain"/>'s own web server (a
/// second server block of the same nginx) publishes the reference file downloaded from the export, as a tenant does.
/// Every name resolves to nginx: the clients' connect callback dials it whatever the URL's host, keeping SNI and Host.
/// </summary>
internal sealed class ExportNginxWorld : IAsyncDisposable
{
    public const string Hoster = ExportHost.HosterName;

    /// <summary>The export serves this tenant's /.well-known/posh/ by Host (the tenant points its name at the fleet).</summary>
    public const string DirectDomain = "direct.test";

    /// <summary>This tenant publishes a reference file on its own site; the reference points at the export's per-tenant URL.</summary>
    public const string ReferenceDomain = "reference.test";

    private static readonly IPAddress s_address = IPAddress.Parse("127.0.55.1");

    private readonly TempDirectory _directory = new("posh-export-world-");
    private readonly ConcurrentQueue<ExportResult> _exports = new();
    private readonly CancellationTokenSource _stop = new();
    private ExportHost? _host;
    private PoshServer.Tenants.TenantReloadService? _reloads;
    private Task? _watch;
    private ExternalProcess? _nginx;
    private int _port;

    private ExportNginxWorld()
    {
        Directory.CreateDirectory(TenantsPath("certs"));
        XmppCertificate = Authority.Issue(["xmpp.hosting.test"]);
        File.WriteAllText(TenantsPath("certs", "hosting.pem"), XmppCertificate.ExportCertificatePem() + "\n");
        File.WriteAllText(TenantsPath("_certificate-sets.yaml"), "default:\n  certificates:\n    - certs/hosting.pem\n");
        WriteTenant(DirectDomain, $"domain: {DirectDomain}\n");
        WriteTenant(ReferenceDomain, $"domain: {ReferenceDomain}\n");
    }

    public TestCertificateAuthority Authority { get; } = new("PoshServer Export World Root");

    /// <summary>The hoster's XMPP certificate: the default set, published for every tenant.</summary>
    public X509Certificate2 XmppCertificate { get; }

    public ExportHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public string ExportDirectory => _directory.Combine("export");

    public IReadOnlyCollection<ExportResult> Exports => _exports;

    public string Logs => $"--- nginx\n{_nginx?.Output}\n--- exports\n{string.Join('\n', _exports.Select(e => $"{e.Version}: {e.FileCount} files"))}";

    public static async Task<ExportNginxWorld> StartAsync()
    {
        var world = new ExportNginxWorld();
        try
        {
            await world.StartComponentsAsync();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    public string TenantsPath(params string[] parts) => _directory.Combine(["tenants", .. parts]);

    public void WriteTenant(string domain, string yaml)
    {
        // Through a temporary file and a rename, as configuration management writes.
        var temporary = TenantsPath("." + domain + ".tmp");
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, TenantsPath(domain + ".yaml"), overwrite: true);
    }

    /// <summary>Waits until an export newer than <paramref name="afterGeneration"/> is current.</summary>
    public async Task<ExportResult> WaitForExportAsync(long afterGeneration)
    {
        await Eventually.TrueAsync(() => Task.FromResult(_exports.Any(e => e.Generation > afterGeneration)), $"an export after generation {afterGeneration}\n{Logs}");
        return _exports.Last();
    }

    /// <summary>A verifier as a peer wires it, with a fresh cache, trusting only the world's CA.</summary>
    public PoshVerifier CreateVerifier()
    {
        var options = new PoshClientOptions { WebChainPolicy = Authority.CreateChainPolicy(), LookupTimeout = TimeSpan.FromSeconds(10) };
        return new PoshVerifier(new HttpClient(Mapped(PoshVerifier.CreateHttpHandler(options))) { Timeout = Timeout.InfiniteTimeSpan }, options);
    }

    /// <summary>Plain HTTPS to nginx; <paramref name="anyCertificate"/> for requests whose Host no certificate names.</summary>
    public HttpClient CreateHttpClient(bool anyCertificate = false)
    {
        var handler = Mapped(PoshVerifier.CreateHttpHandler(new PoshClientOptions { WebChainPolicy = Authority.CreateChainPolicy() }));
        if (anyCertificate)
        {
            handler.SslOptions.CertificateChainPolicy = null;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null)
        {
            await _watch;
        }

        _reloads?.Dispose();
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _stop.Dispose();
        XmppCertificate.Dispose();
        Authority.Dispose();
        _directory.Dispose();
    }

    private SocketsHttpHandler Mapped(SocketsHttpHandler handler)
    {
        // Every host name is nginx's address and port, as DNS and a port mapping in front of the fleet would make it.
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(s_address, _port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    private async Task StartComponentsAsync()
    {
        _host = ExportHost.Start(TenantsPath());
        _reloads = _host.CreateReloads();
        var target = new ExportTarget { Directory = ExportDirectory, NginxDirectory = ExportDirectory, Keep = 3 };
        var reloads = _reloads;
        _watch = Task.Run(() => _host.Exporter.WatchAsync(target, reloads, _exports.Enqueue, _stop.Token));
        await WaitForExportAsync(0);

        // The tenant's workflow: download the reference files (here: from the export) into its own web root.
        var webRoot = _directory.Combine("reference-site");
        Directory.CreateDirectory(Path.Combine(webRoot, ".well-known", "posh"));
        foreach (var service in new[] { "xmpp-client.json", "xmpp-server.json" })
        {
            File.Copy(Path.Combine(ExportDirectory, "current", "hosts", Hoster, "posh", ReferenceDomain, "reference", service), Path.Combine(webRoot, ".well-known", "posh", service));
        }

        var nginx = _directory.Combine("nginx");
        Directory.CreateDirectory(nginx);
        using var fleet = Authority.Issue([Hoster, DirectDomain]);
        using var tenantSite = Authority.Issue([ReferenceDomain]);
        TestCertificates.WritePem(fleet, Path.Combine(nginx, "fleet.crt"), Path.Combine(nginx, "fleet.key"));
        TestCertificates.WritePem(tenantSite, Path.Combine(nginx, "site.crt"), Path.Combine(nginx, "site.key"));
        _port = FreePort.Tcp(s_address);
        var listen = string.Create(CultureInfo.InvariantCulture, $"{s_address}:{_port}");
        var config = new StringBuilder()
            .AppendLine("daemon off;")
            .AppendLine("master_process off;")
            .AppendLine("worker_processes 1;")
            .AppendLine(CultureInfo.InvariantCulture, $"pid {nginx}/nginx.pid;")
            .AppendLine("error_log stderr warn;")
            .AppendLine("events { worker_connections 64; }")
            .AppendLine("http {")
            .AppendLine("  access_log off;")
            .AppendLine(CultureInfo.InvariantCulture, $"  client_body_temp_path {nginx}/body;")
            .AppendLine(CultureInfo.InvariantCulture, $"  proxy_temp_path {nginx}/proxy;")
            .AppendLine(CultureInfo.InvariantCulture, $"  fastcgi_temp_path {nginx}/fastcgi;")
            .AppendLine(CultureInfo.InvariantCulture, $"  uwsgi_temp_path {nginx}/uwsgi;")
            .AppendLine(CultureInfo.InvariantCulture, $"  scgi_temp_path {nginx}/scgi;")
            // The hoster's POSH server block: the generated file is all there is in it besides TLS.
            .AppendLine("  server {")
            .AppendLine(CultureInfo.InvariantCulture, $"    listen {listen} ssl default_server;")
            .AppendLine("    server_name _;")
            .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate {nginx}/fleet.crt;")
            .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate_key {nginx}/fleet.key;")
            .AppendLine(CultureInfo.InvariantCulture, $"    include {ExportDirectory}/nginx/poshserver.conf;")
            .AppendLine("  }")
            // The tenant's own web site, with the reference files in its web root.
            .AppendLine("  server {")
            .AppendLine(CultureInfo.InvariantCulture, $"    listen {listen} ssl;")
            .AppendLine(CultureInfo.InvariantCulture, $"    server_name {ReferenceDomain};")
            .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate {nginx}/site.crt;")
            .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate_key {nginx}/site.key;")
            .AppendLine(CultureInfo.InvariantCulture, $"    root {webRoot};")
            .AppendLine("    types { application/json json; }")
            .AppendLine("  }")
            .AppendLine("}");
        var configFile = Path.Combine(nginx, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config.ToString());
        _nginx = ExternalProcess.Start("nginx", ["-c", configFile, "-p", nginx, "-e", "stderr"]);
        await _nginx.WaitForTcpAsync(new IPEndPoint(s_address, _port), TimeSpan.FromSeconds(20));
    }
}
