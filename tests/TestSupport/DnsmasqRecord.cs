using System.Globalization;
using System.Net;

namespace PoshTesting;

/// <summary>One record for <see cref="DnsmasqServer"/>, as the dnsmasq configuration line that serves it (man dnsmasq).</summary>
public sealed record DnsmasqRecord
{
    private DnsmasqRecord(string configLine)
    {
        ConfigLine = configLine;
    }

    public string ConfigLine { get; }

    /// <summary>An SRV record. Note dnsmasq's order: target, port, priority, weight (not BIND's priority, weight, port).</summary>
    public static DnsmasqRecord Srv(string name, string target, int port, int priority = 0, int weight = 0) =>
        new(string.Create(CultureInfo.InvariantCulture, $"srv-host={name},{target},{port},{priority},{weight}"));

    /// <summary>An SRV record whose target is "." (RFC 2782: the service is decidedly not available at this domain).</summary>
    public static DnsmasqRecord NoService(string name) => new($"srv-host={name}");

    /// <summary>A and/or AAAA records for a name (one host-record line per address, so a name may have several).</summary>
    public static IEnumerable<DnsmasqRecord> Addresses(string name, params IPAddress[] addresses) =>
        addresses.Select(address => new DnsmasqRecord($"host-record={name},{address}"));

    /// <summary>A CNAME. dnsmasq serves it only when the target is a name it knows itself (another record here).</summary>
    public static DnsmasqRecord CName(string alias, string target) => new($"cname={alias},{target}");

    /// <summary>Any other dnsmasq configuration line.</summary>
    public static DnsmasqRecord Raw(string configLine) => new(configLine);
}
