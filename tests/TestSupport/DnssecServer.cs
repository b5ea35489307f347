using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace PoshTesting;

/// <summary>
/// Signed DNS for tests, from real components (Debian packages ldnsutils, nsd, unbound): zones signed at start-up with
/// ldns-keygen/ldns-signzone (ECDSA P-256), served authoritatively by nsd on 127.0.51.2, and unbound on 127.0.51.1 as
/// the validating recursive resolver, with each signed zone's KSK as a trust anchor and a stub zone pointing at nsd.
/// Everything runs with its own config, port, pid file and directory (no system service, no root hints, no
/// network). Killed on dispose.
/// </summary>
internal sealed class DnssecServer : IAsyncDisposable
{
    public static readonly IPAddress ResolverAddress = IPAddress.Parse("127.0.51.1");
    public static readonly IPAddress AuthoritativeAddress = IPAddress.Parse("127.0.51.2");

    private readonly TempDirectory _directory;
    private readonly ExternalProcess _nsd;
    private readonly ExternalProcess _unbound;

    private DnssecServer(TempDirectory directory, ExternalProcess nsd, ExternalProcess unbound, IPEndPoint resolver, IPEndPoint authoritative)
    {
        _directory = directory;
        _nsd = nsd;
        _unbound = unbound;
        ResolverEndPoint = resolver;
        AuthoritativeEndPoint = authoritative;
    }

    /// <summary>unbound: validates, sets AD on secure answers, answers SERVFAIL with an RFC 8914 error on bogus ones.</summary>
    public IPEndPoint ResolverEndPoint { get; }

    /// <summary>nsd: the zones as signed, never validated.</summary>
    public IPEndPoint AuthoritativeEndPoint { get; }

    public string Output => $"--- nsd\n{_nsd.Output}\n--- unbound\n{_unbound.Output}";

    public static async Task<DnssecServer> StartAsync(IReadOnlyList<DnssecZone> zones)
    {
        var directory = new TempDirectory("posh-dnssec-");
        try
        {
            var anchors = new StringBuilder();
            foreach (var zone in zones)
            {
                var ds = await WriteZoneAsync(directory, zone);
                anchors.Append(ds);
            }

            await File.WriteAllTextAsync(directory.Combine("anchors"), anchors.ToString());
            for (var attempt = 1; ; attempt++)
            {
                var authoritative = new IPEndPoint(AuthoritativeAddress, FreePort.TcpAndUdp(AuthoritativeAddress));
                var resolver = new IPEndPoint(ResolverAddress, FreePort.TcpAndUdp(ResolverAddress));
                var nsd = ExternalProcess.Start("nsd", ["-d", "-c", WriteNsdConfig(directory, authoritative, zones)], directory.Path);
                var unbound = ExternalProcess.Start("unbound", ["-d", "-c", WriteUnboundConfig(directory, resolver, authoritative, zones)], directory.Path);
                try
                {
                    await nsd.WaitForTcpAsync(authoritative, TimeSpan.FromSeconds(20));
                    await unbound.WaitForTcpAsync(resolver, TimeSpan.FromSeconds(20));
                    return new DnssecServer(directory, nsd, unbound, resolver, authoritative);
                }
                catch (Exception ex) when (attempt < 3 && ex is InvalidOperationException or TimeoutException)
                {
                    // A port taken between probing and binding: try others.
                    await nsd.DisposeAsync();
                    await unbound.DisposeAsync();
                }
                catch
                {
                    await nsd.DisposeAsync();
                    await unbound.DisposeAsync();
                    throw;
                }
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _unbound.DisposeAsync();
        await _nsd.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Writes (and signs) the zone file; returns the DS record to trust, or nothing for an unsigned zone.</summary>
    private static async Task<string> WriteZoneAsync(TempDirectory directory, DnssecZone zone)
    {
        var apex = zone.Name + ".";
        var lines = new List<string>
        {
            $"{apex} 300 IN SOA ns.{apex} hostmaster.{apex} 1 3600 600 86400 300",
            $"{apex} 300 IN NS ns.{apex}",
            $"ns.{apex} 300 IN A {AuthoritativeAddress}",
        };
        lines.AddRange(zone.Records);
        var path = directory.Combine(zone.Name + ".zone");
        await File.WriteAllLinesAsync(path, lines);
        if (zone.Signing == DnssecSigning.Unsigned)
        {
            return string.Empty;
        }

        var ksk = (await RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone.Name)).Trim();
        var zsk = (await RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", zone.Name)).Trim();
        var now = DateTimeOffset.UtcNow;
        var (inception, expiration) = zone.Signing == DnssecSigning.Expired ? (now.AddDays(-10), now.AddDays(-2)) : (now.AddDays(-1), now.AddDays(30));
        static string Stamp(DateTimeOffset t) => t.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await RunAsync(directory, "ldns-signzone", "-i", Stamp(inception), "-e", Stamp(expiration), "-f", path + ".signed", path, ksk, zsk);

        var signed = await File.ReadAllTextAsync(path + ".signed");
        foreach (var (find, replace) in zone.TamperAfterSigning)
        {
            if (!signed.Contains(find, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"'{find}' is not in the signed zone {zone.Name}:\n{signed}");
            }

            signed = signed.Replace(find, replace, StringComparison.OrdinalIgnoreCase);
        }

        await File.WriteAllTextAsync(path + ".signed", signed);
        return await File.ReadAllTextAsync(directory.Combine(ksk + ".ds"));
    }

    private static string WriteNsdConfig(TempDirectory directory, IPEndPoint endPoint, IReadOnlyList<DnssecZone> zones)
    {
        var port = endPoint.Port.ToString(CultureInfo.InvariantCulture);
        var config = new StringBuilder();
        config.AppendLine("server:");
        config.AppendLine(CultureInfo.InvariantCulture, $"  ip-address: {endPoint.Address}@{port}");
        config.AppendLine(CultureInfo.InvariantCulture, $"  port: {port}");
        config.AppendLine("  do-ip6: no");
        config.AppendLine("  server-count: 1");
        config.AppendLine("  username: \"\"");
        config.AppendLine("  chroot: \"\"");
        config.AppendLine("  database: \"\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  pidfile: \"{directory.Combine("nsd.pid")}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  zonesdir: \"{directory.Path}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  xfrdfile: \"{directory.Combine("xfrd.state")}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  zonelistfile: \"{directory.Combine("zone.list")}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  xfrdir: \"{directory.Path}\"");
        config.AppendLine("  verbosity: 1");
        config.AppendLine("remote-control:");
        config.AppendLine("  control-enable: no");
        foreach (var zone in zones)
        {
            var file = directory.Combine(zone.Name + ".zone" + (zone.Signing == DnssecSigning.Unsigned ? string.Empty : ".signed"));
            config.AppendLine("zone:");
            config.AppendLine(CultureInfo.InvariantCulture, $"  name: \"{zone.Name}\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{file}\"");
        }

        var path = directory.Combine("nsd.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    private static string WriteUnboundConfig(TempDirectory directory, IPEndPoint endPoint, IPEndPoint authoritative, IReadOnlyList<DnssecZone> zones)
    {
        var port = endPoint.Port.ToString(CultureInfo.InvariantCulture);
        var config = new StringBuilder();
        config.AppendLine("server:");
        config.AppendLine(CultureInfo.InvariantCulture, $"  interface: {endPoint.Address}@{port}");
        config.AppendLine(CultureInfo.InvariantCulture, $"  port: {port}");
        config.AppendLine("  do-daemonize: no");
        config.AppendLine("  do-ip6: no");
        config.AppendLine("  num-threads: 1");
        config.AppendLine("  username: \"\"");
        config.AppendLine("  chroot: \"\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  directory: \"{directory.Path}\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  pidfile: \"{directory.Combine("unbound.pid")}\"");
        config.AppendLine("  logfile: \"\"");
        config.AppendLine("  use-syslog: no");
        config.AppendLine("  verbosity: 1");
        config.AppendLine("  val-log-level: 2");
        config.AppendLine("  log-servfail: yes");
        config.AppendLine("  qname-minimisation: no");
        // The authoritative server is on loopback; unbound refuses to query localhost unless told.
        config.AppendLine("  do-not-query-localhost: no");
        config.AppendLine("  module-config: \"validator iterator\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  trust-anchor-file: \"{directory.Combine("anchors")}\"");
        // RFC 8914 extended errors say why an answer is bogus; PoshClient reads them.
        config.AppendLine("  ede: yes");
        config.AppendLine("  access-control: 127.0.0.0/8 allow");
        // .test is a default static local zone in unbound (RFC 6761); these zones must be resolved instead.
        config.AppendLine("  local-zone: \"test.\" nodefault");
        config.AppendLine("remote-control:");
        config.AppendLine("  control-enable: no");
        foreach (var zone in zones)
        {
            config.AppendLine("stub-zone:");
            config.AppendLine(CultureInfo.InvariantCulture, $"  name: \"{zone.Name}\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  stub-addr: {authoritative.Address}@{authoritative.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        var path = directory.Combine("unbound.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    internal static async Task<string> RunAsync(TempDirectory directory, string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(ExternalProcess.ResolveExecutable(tool))
        {
            WorkingDirectory = directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
