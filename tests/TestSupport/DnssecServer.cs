using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace PoshTesting;

/// <summary>
/// Signed DNS for tests, from real components (Debian packages ldnsutils, nsd, unbound): zones signed at start-up with
/// ldns-keygen/ldns-signzone (ECDSA P-256), served authoritatively by nsd, and unbound as the validating recursive
/// resolver (no system service, no root hints, no network; own config, port, pid file and directory; killed on dispose).
/// Two layouts:
/// <list type="bullet">
/// <item><see cref="StartAsync"/>: on 127.0.51.2 (nsd) and 127.0.51.1 (unbound); each signed zone's KSK is an anchor of
/// unbound, with a stub zone per zone.</item>
/// <item><see cref="StartWithSignedRootAsync"/>: for validators that chain from the root key only. A root zone "." is
/// signed too and delegates to each zone (with a DS record when the zone is signed); unbound's only anchor is the test
/// root's DS (<see cref="RootTrustAnchor"/>), which an in-process validator is given instead of the real root key.</item>
/// </list>
/// </summary>
internal sealed class DnssecServer : IAsyncDisposable
{
    public static readonly IPAddress ResolverAddress = IPAddress.Parse("127.0.51.1");
    public static readonly IPAddress AuthoritativeAddress = IPAddress.Parse("127.0.51.2");

    private readonly TempDirectory _directory;
    private readonly ExternalProcess _nsd;
    private readonly ExternalProcess _unbound;
    private readonly string? _rootTrustAnchor;

    private DnssecServer(TempDirectory directory, ExternalProcess nsd, ExternalProcess unbound, IPEndPoint resolver, IPEndPoint authoritative, string? rootTrustAnchor)
    {
        _directory = directory;
        _nsd = nsd;
        _unbound = unbound;
        ResolverEndPoint = resolver;
        AuthoritativeEndPoint = authoritative;
        _rootTrustAnchor = rootTrustAnchor;
    }

    /// <summary>unbound: validates, sets AD on secure answers, answers SERVFAIL with an RFC 8914 error on bogus ones.</summary>
    public IPEndPoint ResolverEndPoint { get; }

    /// <summary>nsd: the zones as signed, never validated, never sets AD.</summary>
    public IPEndPoint AuthoritativeEndPoint { get; }

    /// <summary>The DS record of the test root's KSK in presentation form (". 3600 IN DS 12345 13 2 ab…"); signed-root layout only.</summary>
    public string RootTrustAnchor => _rootTrustAnchor ?? throw new InvalidOperationException("started without a signed root");

    public string Output => $"--- nsd\n{_nsd.Output}\n--- unbound\n{_unbound.Output}";

    /// <summary>The zones, each signed one trusted by its own KSK.</summary>
    public static Task<DnssecServer> StartAsync(IReadOnlyList<DnssecZone> zones) =>
        StartAsync(zones, ResolverAddress, AuthoritativeAddress, signedRoot: false);

    /// <summary>The zones below a signed test root, trusted only through the root's key.</summary>
    public static Task<DnssecServer> StartWithSignedRootAsync(IReadOnlyList<DnssecZone> zones, IPAddress resolverAddress, IPAddress authoritativeAddress) =>
        StartAsync(zones, resolverAddress, authoritativeAddress, signedRoot: true);

    public async ValueTask DisposeAsync()
    {
        await _unbound.DisposeAsync();
        await _nsd.DisposeAsync();
        _directory.Dispose();
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

    private static async Task<DnssecServer> StartAsync(IReadOnlyList<DnssecZone> zones, IPAddress resolverAddress, IPAddress authoritativeAddress, bool signedRoot)
    {
        var directory = new TempDirectory(signedRoot ? "posh-dnssec-root-" : "posh-dnssec-");
        try
        {
            var childDs = new StringBuilder();
            var root = new List<string>
            {
                ". 300 IN SOA a.root.test. hostmaster.root.test. 1 3600 600 86400 300",
                ". 300 IN NS a.root.test.",
                $"a.root.test. 300 IN A {authoritativeAddress}",
            };
            foreach (var zone in zones)
            {
                var ds = await WriteZoneAsync(directory, zone, authoritativeAddress);
                childDs.Append(ds);
                root.Add($"{zone.Name}. 300 IN NS ns.{zone.Name}.");
                root.Add($"ns.{zone.Name}. 300 IN A {authoritativeAddress}");
                if (ds.Length > 0)
                {
                    root.Add(ds.Trim());
                }
            }

            string? rootDs = null;
            if (signedRoot)
            {
                var rootPath = directory.Combine("root.zone");
                await File.WriteAllLinesAsync(rootPath, root);
                rootDs = (await SignAsync(directory, ".", rootPath, DnssecSigning.Valid)).Trim();
            }

            await File.WriteAllTextAsync(directory.Combine("anchors"), rootDs is null ? childDs.ToString() : rootDs + "\n");
            for (var attempt = 1; ; attempt++)
            {
                var authoritative = new IPEndPoint(authoritativeAddress, FreePort.TcpAndUdp(authoritativeAddress));
                var resolver = new IPEndPoint(resolverAddress, FreePort.TcpAndUdp(resolverAddress));
                var nsd = ExternalProcess.Start("nsd", ["-d", "-c", WriteNsdConfig(directory, authoritative, zones, signedRoot)], directory.Path);
                var unbound = ExternalProcess.Start("unbound", ["-d", "-c", WriteUnboundConfig(directory, resolver, authoritative, signedRoot ? ["."] : [.. zones.Select(z => z.Name)])], directory.Path);
                try
                {
                    await nsd.WaitForTcpAsync(authoritative, TimeSpan.FromSeconds(20));
                    await unbound.WaitForTcpAsync(resolver, TimeSpan.FromSeconds(20));
                    return new DnssecServer(directory, nsd, unbound, resolver, authoritative, rootDs);
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

    private static string ZoneFile(TempDirectory directory, DnssecZone zone) =>
        directory.Combine(zone.Name + ".zone" + (zone.Signing == DnssecSigning.Unsigned ? string.Empty : ".signed"));

    /// <summary>Writes (and signs) the zone file; returns the DS record of its KSK, or nothing for an unsigned zone.</summary>
    private static async Task<string> WriteZoneAsync(TempDirectory directory, DnssecZone zone, IPAddress authoritativeAddress)
    {
        var apex = zone.Name + ".";
        var lines = new List<string>
        {
            $"{apex} 300 IN SOA ns.{apex} hostmaster.{apex} 1 3600 600 86400 300",
            $"{apex} 300 IN NS ns.{apex}",
            $"ns.{apex} 300 IN A {authoritativeAddress}",
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
        var ksk = (await RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", name)).Trim();
        var zsk = (await RunAsync(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", name)).Trim();
        var now = DateTimeOffset.UtcNow;
        var (inception, expiration) = signing == DnssecSigning.Expired ? (now.AddDays(-10), now.AddDays(-2)) : (now.AddDays(-1), now.AddDays(30));
        static string Stamp(DateTimeOffset t) => t.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await RunAsync(directory, "ldns-signzone", "-i", Stamp(inception), "-e", Stamp(expiration), "-f", path + ".signed", path, ksk, zsk);
        return await File.ReadAllTextAsync(directory.Combine(ksk + ".ds"));
    }

    private static string WriteNsdConfig(TempDirectory directory, IPEndPoint endPoint, IReadOnlyList<DnssecZone> zones, bool signedRoot)
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
        if (signedRoot)
        {
            config.AppendLine("zone:");
            config.AppendLine("  name: \".\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{directory.Combine("root.zone.signed")}\"");
        }

        foreach (var zone in zones)
        {
            config.AppendLine("zone:");
            config.AppendLine(CultureInfo.InvariantCulture, $"  name: \"{zone.Name}\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  zonefile: \"{ZoneFile(directory, zone)}\"");
        }

        var path = directory.Combine("nsd.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    /// <summary>unbound with stub zones at <paramref name="stubs"/> pointing at nsd (".": the test root replaces the real one).</summary>
    private static string WriteUnboundConfig(TempDirectory directory, IPEndPoint endPoint, IPEndPoint authoritative, IReadOnlyList<string> stubs)
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
        foreach (var stub in stubs)
        {
            config.AppendLine("stub-zone:");
            config.AppendLine(CultureInfo.InvariantCulture, $"  name: \"{stub}\"");
            config.AppendLine(CultureInfo.InvariantCulture, $"  stub-addr: {authoritative.Address}@{authoritative.Port.ToString(CultureInfo.InvariantCulture)}");
        }

        var path = directory.Combine("unbound.conf");
        File.WriteAllText(path, config.ToString());
        return path;
    }
}
