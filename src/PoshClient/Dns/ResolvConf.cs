using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PoshClient.Dns;

/// <summary>
/// The parts of resolv.conf(5) a stub resolver needs: nameservers and the timeout/attempts options. The search list is
/// read for completeness but never applied: XMPP and POSH names are absolute.
/// </summary>
internal sealed record ResolvConf
{
    /// <summary>The system configuration file.</summary>
    public const string DefaultPath = "/etc/resolv.conf";

    /// <summary>glibc uses at most this many nameserver lines (MAXNS).</summary>
    private const int MaxNameservers = 3;

    private const int DnsPort = 53;

    /// <summary>The nameservers in file order; 127.0.0.1:53 when the file names none (glibc's default).</summary>
    public required IReadOnlyList<IPEndPoint> Servers { get; init; }

    /// <summary>The search domains (last "search" or "domain" line wins), unused by this resolver.</summary>
    public IReadOnlyList<string> Search { get; init; } = [];

    /// <summary>"options timeout:N" in seconds, or null when absent.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>"options attempts:N", or null when absent.</summary>
    public int? Attempts { get; init; }

    /// <summary>The configuration a system without resolv.conf gets.</summary>
    public static ResolvConf Default { get; } = new() { Servers = [new IPEndPoint(IPAddress.Loopback, DnsPort)] };

    /// <summary>Reads and parses a file; a missing or unreadable file gives <see cref="Default"/>, as with glibc.</summary>
    public static ResolvConf Load(string path = DefaultPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            // FileNotFoundException and DirectoryNotFoundException included: containers often have no resolv.conf.
            return Default;
        }
        catch (UnauthorizedAccessException)
        {
            return Default;
        }

        return Parse(text);
    }

    /// <summary>Parses resolv.conf text; unknown keywords and malformed values are ignored, as glibc does.</summary>
    public static ResolvConf Parse(string text)
    {
        var servers = new List<IPEndPoint>();
        IReadOnlyList<string> search = [];
        TimeSpan? timeout = null;
        int? attempts = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = StripComment(rawLine);
            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            switch (fields[0])
            {
                case "nameserver" when fields.Length > 1 && servers.Count < MaxNameservers:
                    if (TryParseAddress(fields[1], out var address))
                    {
                        servers.Add(new IPEndPoint(address, DnsPort));
                    }

                    break;
                case "search" or "domain":
                    search = fields[1..];
                    break;
                case "options":
                    foreach (var option in fields.AsSpan(1))
                    {
                        if (TryParseOption(option, "timeout:", out var seconds) && seconds >= 1)
                        {
                            timeout = TimeSpan.FromSeconds(Math.Min(seconds, 30));
                        }
                        else if (TryParseOption(option, "attempts:", out var count) && count >= 1)
                        {
                            attempts = Math.Min(count, 5);
                        }
                    }

                    break;
            }
        }

        return new ResolvConf
        {
            Servers = servers.Count > 0 ? servers : Default.Servers,
            Search = search,
            Timeout = timeout,
            Attempts = attempts,
        };
    }

    /// <summary>Both '#' and ';' start a comment (resolv.conf(5)), anywhere on the line.</summary>
    private static string StripComment(string line)
    {
        var index = line.AsSpan().IndexOfAny('#', ';');
        return index < 0 ? line : line[..index];
    }

    /// <summary>IPv4 or IPv6, the latter possibly with a %scope (interface name or index) for link-local servers.</summary>
    private static bool TryParseAddress(string value, out IPAddress address)
    {
        if (IPAddress.TryParse(value, out var parsed))
        {
            address = parsed;
            return true;
        }

        // An interface name that does not exist here fails to parse; keep the server, scoped to the default interface.
        var percent = value.IndexOf('%', StringComparison.Ordinal);
        if (percent > 0 && IPAddress.TryParse(value.AsSpan(0, percent), out parsed) && parsed.AddressFamily == AddressFamily.InterNetworkV6)
        {
            address = parsed;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static bool TryParseOption(string option, string prefix, out int value)
    {
        value = 0;
        return option.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(option.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
