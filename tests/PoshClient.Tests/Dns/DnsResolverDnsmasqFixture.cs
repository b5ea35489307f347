using System.Globalization;
using System.Net;
using PoshTesting;

namespace PoshClient.Tests.Dns;

/// <summary>The zone t.test served by a real dnsmasq for the resolver's integration tests.</summary>
public sealed class DnsResolverDnsmasqFixture : DnsmasqFixture
{
    /// <summary>How many SRV records _big._tcp.t.test has: with long targets, far more than 1232 bytes.</summary>
    public const int BigSrvSetSize = 60;

    public static string BigSrvTarget(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"host-number-{index}-with-a-rather-long-label-to-make-the-answer-big.t.test");

    protected override IEnumerable<DnsmasqRecord> CreateRecords() =>
    [
        DnsmasqRecord.Srv("_xmpp-client._tcp.t.test", "xmpp.t.test", 5222, priority: 0, weight: 5),
        DnsmasqRecord.Srv("_xmpp-client._tcp.t.test", "backup.t.test", 5223, priority: 10, weight: 0),
        DnsmasqRecord.NoService("_xmpps-client._tcp.t.test"),
        .. DnsmasqRecord.Addresses("xmpp.t.test", IPAddress.Loopback, IPAddress.IPv6Loopback),
        .. DnsmasqRecord.Addresses("v4only.t.test", IPAddress.Parse("127.0.0.2")),
        .. DnsmasqRecord.Addresses("web.t.test", IPAddress.IPv6Loopback, IPAddress.Loopback),
        .. DnsmasqRecord.Addresses("xn--bcher-kva.t.test", IPAddress.Parse("127.0.0.3")),
        DnsmasqRecord.CName("alias.t.test", "xmpp.t.test"),
        .. Enumerable.Range(1, BigSrvSetSize).Select(i => DnsmasqRecord.Srv("_big._tcp.t.test", BigSrvTarget(i), 5222, priority: 0, weight: i)),
    ];
}
