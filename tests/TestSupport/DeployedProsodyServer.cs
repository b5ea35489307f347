using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PoshTesting;

/// <summary>
/// A real Prosody (Debian 0.12) in the foreground serving one VirtualHost over c2s STARTTLS from a certificate and key
/// file that something else deploys (certificate rotation), as a hoster's XMPP server reads them from /etc. Prosody
/// re-reads its configuration and certificates on SIGHUP (mod_posix → config-reloaded → mod_tls reloads its
/// contexts), so <see cref="ReloadCommand"/> is what a deployment runs after replacing the files. Killed on dispose.
/// </summary>
internal sealed class DeployedProsodyServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private DeployedProsodyServer(ExternalProcess process, TempDirectory directory, IPAddress address, int c2s)
    {
        _process = process;
        _directory = directory;
        Address = address;
        C2sPort = c2s;
    }

    public IPAddress Address { get; }

    public int C2sPort { get; }

    /// <summary>Prosody's process id, from its pid file.</summary>
    public int ProcessId { get; private set; }

    /// <summary>A reload command as a plain argv: SIGHUP to this Prosody.</summary>
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

    /// <summary>Starts Prosody serving <paramref name="virtualHost"/> with the certificate and key at the given paths.</summary>
    public static async Task<DeployedProsodyServer> StartAsync(string virtualHost, string certificatePath, string keyPath)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TempDirectory("posh-prosody-deployed-");
            // A loopback address of its own (127.0.0.0/8), so parallel fixtures never collide on ports.
            var address = new IPAddress([127, 11, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(1, 255)]);
            var port = FreePort.Tcp(address);
            var config = WriteConfig(directory, address, port, virtualHost, certificatePath, keyPath);
            var process = ExternalProcess.Start("prosody", ["--config", config, "-F"], directory.Path);
            var server = new DeployedProsodyServer(process, directory, address, port);
            try
            {
                await process.WaitForTcpAsync(new IPEndPoint(address, port), TimeSpan.FromSeconds(30));
                server.ProcessId = await ReadPidAsync(directory.Combine("prosody.pid"), process);
                return server;
            }
            catch (Exception ex) when (attempt < 3 && ex is InvalidOperationException or TimeoutException)
            {
                // A port taken between FreePort and Prosody's bind: try again with a new one.
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<int> ReadPidAsync(string pidFile, ExternalProcess process)
    {
        // mod_posix writes the pid file when it loads, which is before the listeners are up; wait a little anyway.
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

    private static string WriteConfig(TempDirectory directory, IPAddress address, int port, string virtualHost, string certificatePath, string keyPath)
    {
        Directory.CreateDirectory(directory.Combine("data"));
        Directory.CreateDirectory(directory.Combine("empty-capath"));
        static string Lua(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

        var config = new StringBuilder();
        config.AppendLine("run_as_root = true");
        config.AppendLine("pidfile = " + Lua(directory.Combine("prosody.pid")));
        config.AppendLine("data_path = " + Lua(directory.Combine("data")));
        config.AppendLine("log = { debug = " + Lua(directory.Combine("prosody.log")) + "; info = \"*console\" }");
        config.AppendLine("interfaces = { " + Lua(address.ToString()) + " }");
        config.AppendLine("local_interfaces = { " + Lua(address.ToString()) + " }");
        config.AppendLine("c2s_ports = { " + port.ToString(CultureInfo.InvariantCulture) + " }");
        config.AppendLine("s2s_ports = { }");
        config.AppendLine("c2s_direct_tls_ports = { }");
        config.AppendLine("s2s_direct_tls_ports = { }");
        config.AppendLine("http_ports = { }");
        config.AppendLine("https_ports = { }");
        config.AppendLine("modules_enabled = { \"tls\", \"saslauth\", \"disco\", \"ping\" }");
        config.AppendLine("authentication = \"internal_hashed\"");
        config.AppendLine("storage = \"internal\"");
        config.AppendLine("c2s_require_encryption = true");
        // Keep the system trust store out of Prosody's own outgoing TLS.
        config.AppendLine("ssl = { capath = " + Lua(directory.Combine("empty-capath")) + " }");
        config.AppendLine("VirtualHost " + Lua(virtualHost));
        config.AppendLine("    ssl = { certificate = " + Lua(certificatePath) + "; key = " + Lua(keyPath) + " }");

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
