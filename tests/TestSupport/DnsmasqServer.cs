using System.Net;

namespace PoshTesting;

/// <summary>
/// A real DNS server for tests: dnsmasq (Debian package dnsmasq-base) on a free loopback port, serving only the given
/// records. Names under <c>zones</c> that have no record get NXDOMAIN; existing names without the asked type get NODATA;
/// anything else gets REFUSED (no upstream servers). Answers larger than 1232 bytes come back truncated over UDP and
/// complete over TCP, which dnsmasq also serves on the same port.
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly TempDirectory _directory;

    private DnsmasqServer(ExternalProcess process, TempDirectory directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    /// <summary>The address and port dnsmasq answers on, over UDP and TCP.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>dnsmasq's log (every query is logged), for assertion messages.</summary>
    public string Output => _process.Output;

    /// <summary>Writes a configuration file, starts dnsmasq and waits until it accepts TCP connections.</summary>
    /// <param name="records">The records to serve.</param>
    /// <param name="zones">Domains that dnsmasq treats as local, so unknown names there are NXDOMAIN. Default: "test".</param>
    /// <param name="timeToLive">The TTL of every record (dnsmasq's local-ttl).</param>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<DnsmasqRecord> records, IEnumerable<string>? zones = null, int timeToLive = 300)
    {
        var directory = new TempDirectory("posh-dnsmasq-");
        var lines = new List<string> { $"local-ttl={timeToLive}" };
        lines.AddRange((zones ?? ["test"]).Select(zone => $"local=/{zone}/"));
        lines.AddRange(records.Select(r => r.ConfigLine));
        var configFile = directory.Combine("dnsmasq.conf");
        await File.WriteAllLinesAsync(configFile, lines);

        // The free port can be taken between probing and binding; dnsmasq then exits at once, and we try another.
        var started = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.TcpAndUdp());
                var process = ExternalProcess.Start("dnsmasq",
                [
                    "--keep-in-foreground",
                    $"--conf-file={configFile}",
                    $"--port={endPoint.Port}",
                    "--listen-address=127.0.0.1",
                    "--bind-interfaces",
                    "--no-resolv",
                    "--no-hosts",
                    "--log-queries",
                    "--log-facility=-",
                    "--pid-file=",
                ]);
                try
                {
                    await process.WaitForTcpAsync(endPoint, TimeSpan.FromSeconds(15));
                    started = true;
                    return new DnsmasqServer(process, directory, endPoint);
                }
                catch (InvalidOperationException) when (attempt < 3 && process.HasExited)
                {
                    // Exited before listening: most likely the port race; the next round picks another port.
                }
                finally
                {
                    if (!started)
                    {
                        await process.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            if (!started)
            {
                directory.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }
}
