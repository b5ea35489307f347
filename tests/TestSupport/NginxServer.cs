using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PoshTesting;

/// <summary>
/// A real nginx (Debian nginx-light) on a free loopback port, with one HTTPS server block per site, selected by
/// SNI: the "tenant's own web server" of a test world. A site either serves files from its web root (a reference
/// file, a copied document) or answers configured redirects.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private NginxServer(ExternalProcess process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    public static async Task<NginxServer> StartAsync(IReadOnlyList<NginxSite> sites)
    {
        var directory = new TempDirectory("posh-nginx-");
        var config = new StringBuilder();
        config.AppendLine("daemon off;")
            .AppendLine("master_process off;")
            .AppendLine("worker_processes 1;")
            .AppendLine(CultureInfo.InvariantCulture, $"pid {directory.Combine("nginx.pid")};")
            .AppendLine("error_log stderr warn;")
            .AppendLine("events { worker_connections 256; }")
            .AppendLine("http {")
            .AppendLine("  access_log off;")
            .AppendLine(CultureInfo.InvariantCulture, $"  client_body_temp_path {directory.Combine("body")};")
            .AppendLine(CultureInfo.InvariantCulture, $"  proxy_temp_path {directory.Combine("proxy")};")
            .AppendLine(CultureInfo.InvariantCulture, $"  fastcgi_temp_path {directory.Combine("fastcgi")};")
            .AppendLine(CultureInfo.InvariantCulture, $"  uwsgi_temp_path {directory.Combine("uwsgi")};")
            .AppendLine(CultureInfo.InvariantCulture, $"  scgi_temp_path {directory.Combine("scgi")};")
            .AppendLine("  types { application/json json; }")
            .AppendLine("  default_type application/octet-stream;");

        var port = FreePort.Tcp();
        foreach (var site in sites)
        {
            var root = directory.Combine("www", site.ServerName);
            Directory.CreateDirectory(root);
            foreach (var (path, content) in site.Files)
            {
                var file = Path.Combine(root, path.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, content);
            }

            var certificate = directory.Combine(site.ServerName + ".crt");
            var key = directory.Combine(site.ServerName + ".key");
            TestCertificates.WritePem(site.Certificate, certificate, key, site.Chain);
            config.AppendLine("  server {")
                .AppendLine(CultureInfo.InvariantCulture, $"    listen 127.0.0.1:{port} ssl;")
                .AppendLine(CultureInfo.InvariantCulture, $"    server_name {site.ServerName};")
                .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate {certificate};")
                .AppendLine(CultureInfo.InvariantCulture, $"    ssl_certificate_key {key};")
                .AppendLine(CultureInfo.InvariantCulture, $"    root {root};");
            foreach (var (path, (status, location)) in site.Redirects)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"    location = {path} {{ add_header Cache-Control \"max-age=60\" always; return {status} {location}; }}");
            }

            config.AppendLine("  }");
        }

        config.AppendLine("}");
        var configFile = directory.Combine("nginx.conf");
        await File.WriteAllTextAsync(configFile, config.ToString());
        var process = ExternalProcess.Start("nginx", ["-c", configFile, "-p", directory.Path, "-e", "stderr"]);
        try
        {
            await process.WaitForTcpAsync(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(20));
        }
        catch
        {
            await process.DisposeAsync();
            directory.Dispose();
            throw;
        }

        return new NginxServer(process, directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }
}
