using System.Globalization;
using System.Net;
using System.Text;

namespace PoshTesting;

/// <summary>
/// A signed DNS hierarchy from its own root, for validators that chain from the root key only: a root zone "." signed
/// at start-up, delegating to each child zone (with a DS record when the child is signed), all served by nsd on
/// 127.0.63.2; and unbound on 127.0.63.1 validating with the test root's DS as its only trust anchor. A client that
/// validates in-process is given <see cref="RootTrustAnchor"/> instead of the real root key.
/// </summary>
internal sealed class DnssecHierarchy : IAsyncDisposable
{
    public static readonly IPAddress ResolverAddress = IPAddress.Parse("127.0.63.1");
    public static readonly IPAddress AuthoritativeAddress = IPAddress.Parse("127.0.63.2");

    private readonly TempDirectory _directory;
    private readonly ExternalProcess _nsd;
    private readonly ExternalProcess _unbound;

    private DnssecHierarchy(TempDirectory directory, ExternalProcess nsd, ExternalProcess unbound, IPEndPoint resolver, IPEndPoint authoritative, string rootTrustAnchor)
    {
        _directory = directory;
        _nsd = nsd;
        _unbound = unbound;
        ResolverEndPoint = resolver;
        AuthoritativeEndPoint = authoritative;
        RootTrustAnchor = rootTrustAnchor;
    }

    /// <summary>unbound: validates from the test root, sets AD on secure answers, SERVFAIL with an RFC 8914 error on bogus ones.</summary>
    public IPEndPoint ResolverEndPoint { get; }

    /// <summary>nsd: authoritative for "." and every child zone; never validates, never sets AD.</summary>
    public IPEndPoint AuthoritativeEndPoint { get; }

    /// <summary>The DS record of the test root's KSK in presentation form (". 3600 IN DS 12345 13 2 ab…").</summary>
    public string RootTrustAnchor { get; }

    public string Output => $"--- nsd\n{_nsd.Output}\n--- unbound\n{_unbound.Output}";

    public static async Task<DnssecHierarchy> StartAsync(IReadOnlyList<DnssecZone> zones)
    {
        var directory = new TempDirectory("posh-dnssec-root-");
        try
        {
            var root = new List<string>
            {
                $". 300 IN SOA a.root.test. hostmaster.root.test. 1 3600 600 86400 300",
                $". 300 IN NS a.root.test.",
                $"a.root.test. 300 IN A {AuthoritativeAddress}",
            };
            foreach (var zone in zones)
            {
                var ds = await WriteChildZoneAsync(directory, zone);
                root.Add($"{zone.Name}. 300 IN NS ns.{zone.Name}.");
                root.Add($"ns.{zone.Name}. 300 IN A {AuthoritativeAddress}");
                if (ds.Length > 0)
                {
                    root.Add(ds.Trim());
                }
            }

            var rootPath = directory.Combine("root.zone");
            await File.WriteAllLinesAsync(rootPath, root);
            var rootDs = (await SignAsync(directory, ".", rootPath, DnssecSigning.Valid)).Trim();
            await File.WriteAllTextAsync(directory.Combine("anchors"), rootDs + "\n");
            for (var attempt = 1; ; attempt++)
            {
                var authoritative = new IPEndPoint(AuthoritativeAddress, FreePort.TcpAndUdp(AuthoritativeAddress));
                var resolver = new IPEndPoint(ResolverAddress, FreePort.TcpAndUdp(ResolverAddress));
                var nsd = ExternalProcess.Start("nsd", ["-d", "-c", WriteNsdConfig(directory, authoritative, zones)], directory.Path);
                var unbound = ExternalProcess.Start("unbound", ["-d", "-c", WriteUnboundConfig(directory, resolver, authoritative)], directory.Path);
                try
                {
                    await nsd.WaitForTcpAsync(authoritative, TimeSpan.FromSeconds(20));
                    await unbound.WaitForTcpAsync(resolver, TimeSpan.FromSeconds(20));
                    return new DnssecHierarchy(directory, nsd, unbound, resolver, authoritative, rootDs);
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

    private static string ZoneFile(DnssecZone zone) => zone.Name + ".zone" + (zone.Signing == DnssecSigning.Unsigned ? string.Empty : ".signed");

    /// <summary>Writes (and signs) a child zone; returns its DS record for the root, or nothing for an unsigned zone.</summary>
    private static async Task<string> WriteChildZoneAsync(TempDirectory directory, DnssecZone zone)
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

        var ds = await SignAsync(directory, zone.Name, path, zone.Signing);
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
        return ds;
    }

    /// <summary>Signs <paramref name="path"/> into path.signed with a fresh KSK and ZSK (ECDSA P-256); returns the KSK's DS.</summary>
    private static async Task<string> SignAsync(TempDirectory directory, string name, string path, DnssecSigning signing)
    {
        var ksk = (await DnssecServer.RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", name)).Trim();
        var zsk = (await DnssecServer.RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", name)).Trim();
        var now = DateTimeOffset.UtcNow;
        var (inception, expiration) = signing == DnssecSigning.Expired ? (now.AddDays(-10), now.AddDays(-2)) : (now.AddDays(-1), now.AddDays(30));
        static string Stamp(DateTimeOffset t) => t.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await DnssecServer.RunAsync(directory, "ldns-signzone", "-i", Stamp(inception), "-e", Stamp(expiration), "-f", path + ".signed", path, ksk, zsk);
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
        config.AppendLine("zone:");
        config.AppendLine("  name: \".\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{directory.Combine("root.zone.signed")}\"");
        foreach (var zone in zones)
        {
            config.AppendLine("zone:");
            config.AppendLine(CultureInfo.InvariantCulture, $"  name: \"{zone.Name}\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{directory.Combine(ZoneFile(zone))}\"");
        }

        var path = directory.Combine("nsd.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    private static string WriteUnboundConfig(TempDirectory directory, IPEndPoint endPoint, IPEndPoint authoritative)
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
        config.AppendLine("  qname-minimisation: no");
        config.AppendLine("  do-not-query-localhost: no");
        config.AppendLine("  module-config: \"validator iterator\"");
        // The test root's key is the only anchor: every answer chains from it, as from the real root.
        config.AppendLine(CultureInfo.InvariantCulture, $"  trust-anchor-file: \"{directory.Combine("anchors")}\"");
        config.AppendLine("  ede: yes");
        config.AppendLine("  access-control: 127.0.0.0/8 allow");
        config.AppendLine("  local-zone: \"test.\" nodefault");
        config.AppendLine("remote-control:");
        config.AppendLine("  control-enable: no");
        // The root itself is a stub pointing at nsd: no root hints, no network.
        config.AppendLine("stub-zone:");
        config.AppendLine("  name: \".\"");
        config.AppendLine(CultureInfo.InvariantCulture, $"  stub-addr: {authoritative.Address}@{authoritative.Port.ToString(CultureInfo.InvariantCulture)}");

        var path = directory.Combine("unbound.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }
}
