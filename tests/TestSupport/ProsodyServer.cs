using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PoshTesting;

/// <summary>
/// A real Prosody (Debian 0.12) in the foreground with a temp config: its own loopback address, free ports for
/// c2s, s2s and their XEP-0368 direct TLS variants, and one VirtualHost per certificate given — or per certificate
/// and key file that something else deploys (certificate rotation), re-read on SIGHUP (mod_posix → config-reloaded →
/// mod_tls reloads its contexts), which <see cref="ReloadCommand"/> sends. Killed on dispose.
/// </summary>
internal sealed class ProsodyServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private ProsodyServer(ExternalProcess process, TempDirectory directory, IPAddress address, int c2s, int s2s, int c2sDirect, int s2sDirect)
    {
        _process = process;
        _directory = directory;
        Address = address;
        C2sPort = c2s;
        S2sPort = s2s;
        C2sDirectTlsPort = c2sDirect;
        S2sDirectTlsPort = s2sDirect;
    }

    public IPAddress Address { get; }

    public int C2sPort { get; }

    public int S2sPort { get; }

    public int C2sDirectTlsPort { get; }

    public int S2sDirectTlsPort { get; }

    /// <summary>Prosody's process id, from its pid file.</summary>
    public int ProcessId { get; private set; }

    /// <summary>A reload command as a plain argv: SIGHUP to this Prosody, as a deployment runs after replacing files.</summary>
    public IReadOnlyList<string> ReloadCommand => ["kill", "-HUP", ProcessId.ToString(CultureInfo.InvariantCulture)];

    /// <summary>Process output plus Prosody's debug log, for assertion messages.</summary>
    public string Log
    {
        get
        {
            var logFile = _directory.Combine("prosody.log");
            return _process.Output + "\n" + (File.Exists(logFile) ? File.ReadAllText(logFile) : string.Empty);
        }
    }

    /// <summary>Starts Prosody serving each (virtual host → certificate with private key).</summary>
    public static Task<ProsodyServer> StartAsync(IReadOnlyDictionary<string, X509Certificate2> virtualHosts, IEnumerable<X509Certificate2>? intermediates = null)
    {
        var chain = intermediates?.ToList() ?? [];
        return StartAsync(directory => virtualHosts.Select(pair =>
        {
            // Named <host>.crt/.key in the certificates directory: that is where Prosody 0.12 looks up the
            // certificate for an SNI name on direct TLS ports (certmanager.find_host_cert); the per-host ssl
            // setting covers STARTTLS.
            var certPath = directory.Combine("certs", pair.Key + ".crt");
            var keyPath = directory.Combine("certs", pair.Key + ".key");
            TestCertificates.WritePem(pair.Value, certPath, keyPath, chain);
            return (pair.Key, certPath, keyPath);
        }).ToList());
    }

    /// <summary>Starts Prosody serving <paramref name="virtualHost"/> from certificate and key files deployed elsewhere.</summary>
    public static Task<ProsodyServer> StartAsync(string virtualHost, string certificatePath, string keyPath) =>
        StartAsync(_ => [(virtualHost, certificatePath, keyPath)]);

    private static async Task<ProsodyServer> StartAsync(Func<TempDirectory, List<(string Host, string CertificatePath, string KeyPath)>> virtualHosts)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TempDirectory("posh-prosody-");
            // A loopback address of its own (127.0.0.0/8), so parallel fixtures never collide on ports.
            var address = new IPAddress([127, 10, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(1, 255)]);
            var ports = Enumerable.Range(0, 4).Select(_ => FreePort.Tcp(address)).ToArray();
            Directory.CreateDirectory(directory.Combine("certs"));
            var config = WriteConfig(directory, address, ports, virtualHosts(directory));
            var process = ExternalProcess.Start("prosody", ["--config", config, "-F"], directory.Path);
            var server = new ProsodyServer(process, directory, address, ports[0], ports[1], ports[2], ports[3]);
            try
            {
                foreach (var port in ports)
                {
                    await process.WaitForTcpAsync(new IPEndPoint(address, port), TimeSpan.FromSeconds(30));
                }

                server.ProcessId = await ReadPidAsync(directory.Combine("prosody.pid"), process);
                return server;
            }
            catch (Exception ex) when (attempt < 3 && ex is InvalidOperationException or TimeoutException)
            {
                // A port taken between FreePort and Prosody's bind: try again with new ones.
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<int> ReadPidAsync(string pidFile, ExternalProcess process)
    {
        // mod_posix writes the pid file when it loads, before the listeners are up; allow a little time anyway.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!deadline.IsCancellationRequested)
        {
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, CancellationToken.None)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        throw new TimeoutException($"prosody wrote no pid file at {pidFile}:\n{process.Output}");
    }

    private static string WriteConfig(TempDirectory directory, IPAddress address, int[] ports, List<(string Host, string CertificatePath, string KeyPath)> virtualHosts)
    {
        Directory.CreateDirectory(directory.Combine("data"));
        Directory.CreateDirectory(directory.Combine("empty-capath"));
        static string Lua(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        string Port(int port) => "{ " + port.ToString(CultureInfo.InvariantCulture) + " }";

        var config = new StringBuilder();
        config.AppendLine("run_as_root = true");
        config.AppendLine("pidfile = " + Lua(directory.Combine("prosody.pid")));
        config.AppendLine("data_path = " + Lua(directory.Combine("data")));
        config.AppendLine("certificates = " + Lua(directory.Combine("certs")));
        config.AppendLine("log = { debug = " + Lua(directory.Combine("prosody.log")) + "; info = \"*console\" }");
        config.AppendLine("interfaces = { " + Lua(address.ToString()) + " }");
        config.AppendLine("local_interfaces = { " + Lua(address.ToString()) + " }");
        config.AppendLine("c2s_ports = " + Port(ports[0]));
        config.AppendLine("s2s_ports = " + Port(ports[1]));
        config.AppendLine("c2s_direct_tls_ports = " + Port(ports[2]));
        config.AppendLine("s2s_direct_tls_ports = " + Port(ports[3]));
        config.AppendLine("http_ports = { }");
        config.AppendLine("https_ports = { }");
        config.AppendLine("modules_enabled = { \"tls\", \"saslauth\", \"dialback\", \"disco\", \"ping\" }");
        config.AppendLine("authentication = \"internal_hashed\"");
        config.AppendLine("storage = \"internal\"");
        config.AppendLine("c2s_require_encryption = true");
        config.AppendLine("s2s_require_encryption = true");
        config.AppendLine("s2s_secure_auth = false");
        // Keep the system trust store out of Prosody's own outgoing TLS.
        config.AppendLine("ssl = { capath = " + Lua(directory.Combine("empty-capath")) + " }");

        foreach (var (host, certPath, keyPath) in virtualHosts)
        {
            config.AppendLine("VirtualHost " + Lua(host));
            config.AppendLine("    ssl = { certificate = " + Lua(certPath) + "; key = " + Lua(keyPath) + " }");
        }

        var path = directory.Combine("prosody.cfg.lua");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }
}
