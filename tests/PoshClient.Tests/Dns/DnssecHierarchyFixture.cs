using System.Globalization;
using System.Net;
using PoshTesting;

namespace PoshClient.Tests.Dns;

/// <summary>
/// The signed test hierarchy of the DNS tests (<see cref="DnssecServer.StartWithSignedRootAsync"/>): a test root delegating to
/// <c>secure.test</c> (signed, one record altered after signing), <c>expired.test</c> (signatures expired) and
/// <c>plain.test</c> (unsigned).
/// </summary>
public sealed class DnssecHierarchyFixture : IAsyncLifetime
{
    public const string SrvName = "_xmpp-client._tcp.secure.test";
    public const string SrvTarget = "xmpp.secure.test";
    public const string TlsaName = "_5222._tcp.xmpp.secure.test";
    public const string TlsaDigest = "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6";

    /// <summary>Its A record was changed after signing: the RRSIG no longer verifies.</summary>
    public const string BogusHost = "bogus.secure.test";

    /// <summary>An SRV set larger than a 512-byte datagram (answers arrive over TCP).</summary>
    public const string BigSrvName = "_big._tcp.secure.test";
    public const int BigSrvCount = 40;

    public const string ExpiredHost = "host.expired.test";
    public const string PlainHost = "host.plain.test";

    private DnssecServer? _dns;

    internal DnssecServer Dns => _dns ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var secure = new List<string>
        {
            $"{SrvName}. 300 IN SRV 10 0 5222 {SrvTarget}.",
            $"{SrvTarget}. 300 IN A 127.0.63.10",
            $"{TlsaName}. 300 IN TLSA 3 1 1 {TlsaDigest}",
            $"{BogusHost}. 300 IN A 127.0.63.11",
        };
        for (var i = 0; i < BigSrvCount; i++)
        {
            secure.Add(string.Create(CultureInfo.InvariantCulture, $"{BigSrvName}. 300 IN SRV 10 {i} 5269 host-number-{i}.secure.test."));
        }

        _dns = await DnssecServer.StartWithSignedRootAsync(
        [
            new DnssecZone { Name = "secure.test", Records = secure, TamperAfterSigning = [($"{BogusHost}.\t300\tIN\tA\t127.0.63.11", $"{BogusHost}.\t300\tIN\tA\t127.0.63.12")] },
            new DnssecZone { Name = "expired.test", Signing = DnssecSigning.Expired, Records = [$"{ExpiredHost}. 300 IN A 127.0.63.20"] },
            new DnssecZone { Name = "plain.test", Signing = DnssecSigning.Unsigned, Records = [$"{PlainHost}. 300 IN A 127.0.63.30"] },
        ],
        IPAddress.Parse("127.0.63.1"),
        IPAddress.Parse("127.0.63.2"));
    }

    public async Task DisposeAsync()
    {
        if (_dns is not null)
        {
            await _dns.DisposeAsync();
        }
    }
}
