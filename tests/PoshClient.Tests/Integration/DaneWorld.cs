using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dane;
using PoshClient.Documents;
using PoshTesting;

namespace PoshClient.Tests.Integration;

/// <summary>
/// A hoster whose tenants delegate to it with DNSSEC, an <see cref="XmppWorld"/> of real components on loopback:
/// <list type="bullet">
/// <item>three zones, signed at start-up with ldns-signzone and served by nsd: <c>dane.test</c> (valid signatures),
/// <c>expired.test</c> (signatures expired two days ago) and <c>plain.test</c> (unsigned); unbound validates, with
/// the two signed zones' keys as trust anchors (<see cref="DnssecServer"/>);</item>
/// <item>Prosody, the hoster's XMPP server, presenting for every tenant a certificate that names only
/// <c>xmpp.dane.test</c> (from the CA the clients trust for PKIX), except <c>ta.dane.test</c>, whose certificate
/// names its SRV target and comes from a second CA that only a DANE-TA record vouches for; every chain carries that
/// second CA's certificate;</item>
/// <item>a scripted HTTPS server (real Kestrel and TLS) as the tenants' web servers, publishing POSH fingerprints of the
/// hoster's certificate for the tenants that have POSH, and 404 for the rest.</item>
/// </list>
/// Each case has its own SRV target, because TLSA records belong to a target and port (RFC 7673 §3.2).
/// </summary>
public sealed class DaneWorld : IAsyncLifetime
{
    public const string HosterName = "xmpp.dane.test";

    /// <summary>DANE-EE 3 1 1 of the hoster's key at its target; no POSH document.</summary>
    public const string EeDomain = "ee.dane.test";

    /// <summary>A second domain on the same s2s endpoint as <see cref="EeDomain"/> (piggybacking).</summary>
    public const string Ee2Domain = "ee2.dane.test";

    /// <summary>TLSA 3 1 1 of another key; a valid POSH document lists the hoster's certificate.</summary>
    public const string MismatchDomain = "mismatch.dane.test";

    /// <summary>The TLSA record was changed after signing (bad RRSIG); a valid POSH document exists.</summary>
    public const string BogusDomain = "bogus.dane.test";

    /// <summary>DANE-TA 2 0 1 of a CA the client does not trust for PKIX; the certificate names the SRV target.</summary>
    public const string TaDomain = "ta.dane.test";

    /// <summary>Only unusable TLSA records (unknown usage, selector, matching type; a short digest); valid POSH.</summary>
    public const string UnusableDomain = "unusable.dane.test";

    /// <summary>SRV to the hoster's own name, no TLSA: the hoster's certificate is valid by secure delegation; no POSH.</summary>
    public const string DelegatedDomain = "delegated.dane.test";

    /// <summary>An s2s SRV record to an address nothing listens on (piggybacking refused).</summary>
    public const string ElsewhereDomain = "elsewhere.dane.test";

    /// <summary>Everything in <c>expired.test</c> is bogus; a valid POSH document exists.</summary>
    public const string ExpiredDomain = "tenant.expired.test";

    /// <summary>Unsigned zone: a (mismatching) TLSA record that must be ignored, and a valid POSH document.</summary>
    public const string PlainDomain = "posh.plain.test";

    /// <summary>Unsigned zone delegating to the hoster's name: no secure delegation, no POSH: rejected.</summary>
    public const string PlainDelegatedDomain = "delegated.plain.test";

    /// <summary>The s2s stream's <c>from</c>: a domain Prosody does not host.</summary>
    public const string PeerDomain = "peer.test";

    private static readonly string[] s_poshDomains = [MismatchDomain, BogusDomain, UnusableDomain, ExpiredDomain, PlainDomain];

    private XmppWorld _world = null!;

    internal TestCertificateAuthority Authority => _world.Authority;

    /// <summary>A CA no client trusts for PKIX; only the DANE-TA record of <see cref="TaDomain"/> names it.</summary>
    internal TestCertificateAuthority DaneAuthority { get; } = new("PoshServer DANE-TA Root");

    internal X509Certificate2 HosterCertificate { get; private set; } = null!;

    internal X509Certificate2 OtherCertificate { get; private set; } = null!;

    internal ProsodyServer Prosody => _world.Prosody;

    internal DnssecServer Dns => _world.Dnssec;

    public string Logs => _world.Logs;

    public async Task InitializeAsync()
    {
        _world = new XmppWorld("PoshServer DANE World Root");
        HosterCertificate = _world.Issue([HosterName]);
        OtherCertificate = _world.Issue(["xmpp.other-hosting.test"]);
        var hosts = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            [TaDomain] = DaneAuthority.Issue(["t-ta.dane.test"]),
        };
        foreach (var tenant in new[] { EeDomain, Ee2Domain, MismatchDomain, BogusDomain, UnusableDomain, DelegatedDomain, ExpiredDomain, PlainDomain, PlainDelegatedDomain })
        {
            hosts[tenant] = HosterCertificate;
        }

        var document = PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = [FingerprintDescriptor.FromCertificate(HosterCertificate)], Expires = 3600 });
        await _world
            .WithProsody(hosts, [DaneAuthority.Certificate])
            .WithDnssec(world => Zones(world.Prosody))
            .WithWeb(_world.Issue(s_poshDomains), web =>
            {
                foreach (var domain in s_poshDomains)
                {
                    web.MapBytes(domain, "/.well-known/posh/xmpp-client.json", document);
                    web.MapBytes(domain, "/.well-known/posh/xmpp-server.json", document);
                }
            })
            .StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        DaneAuthority.Dispose();
    }

    /// <summary>
    /// A client as an application wires it through the public API: the validator's DNS is the world's unbound, whose AD
    /// bit counts only while <paramref name="trustLoopbackResolvers"/> holds (it is on loopback).
    /// </summary>
    internal WorldClient CreateClient(bool trustLoopbackResolvers = true) =>
        _world.CreateClient(
            _world.Web.ConnectCallback,
            options => options.LookupTimeout = TimeSpan.FromSeconds(10),
            validator => validator.TrustLoopbackDnssecResolvers = trustLoopbackResolvers);

    private List<DnssecZone> Zones(ProsodyServer prosody)
    {
        var address = prosody.Address.ToString();
        var c2s = prosody.C2sPort.ToString(CultureInfo.InvariantCulture);
        var s2s = prosody.S2sPort.ToString(CultureInfo.InvariantCulture);
        string Tlsa(string target, string port, TlsaRecord record) => $"_{port}._tcp.{target}. 300 IN TLSA {record}";
        string Srv(string service, string domain, string target, string port) => $"_{service}._tcp.{domain}. 300 IN SRV 10 0 {port} {target}.";
        var hoster = TlsaRecords.DaneEeSpkiSha256(HosterCertificate);
        var other = TlsaRecords.DaneEeSpkiSha256(OtherCertificate);
        var hosterDigest = Convert.ToHexStringLower([.. hoster.Data]);
        var otherDigest = Convert.ToHexStringLower([.. other.Data]);
        var dane = new List<string>
        {
            $"{HosterName}. 300 IN A {address}",
            $"down.dane.test. 300 IN A 127.0.51.99",
            Srv("xmpp-client", EeDomain, "t-ee.dane.test", c2s),
            Srv("xmpp-server", EeDomain, "t-ee.dane.test", s2s),
            Srv("xmpp-server", Ee2Domain, "t-ee.dane.test", s2s),
            Srv("xmpp-client", MismatchDomain, "t-mismatch.dane.test", c2s),
            Srv("xmpp-server", MismatchDomain, "t-mismatch.dane.test", s2s),
            Srv("xmpp-client", BogusDomain, "t-bogus.dane.test", c2s),
            Srv("xmpp-client", TaDomain, "t-ta.dane.test", c2s),
            Srv("xmpp-client", UnusableDomain, "t-unusable.dane.test", c2s),
            Srv("xmpp-client", DelegatedDomain, HosterName, c2s),
            Srv("xmpp-server", DelegatedDomain, HosterName, s2s),
            Srv("xmpp-server", ElsewhereDomain, "down.dane.test", s2s),
            Tlsa("t-ee.dane.test", c2s, hoster),
            Tlsa("t-ee.dane.test", s2s, hoster),
            Tlsa("t-mismatch.dane.test", c2s, other),
            Tlsa("t-mismatch.dane.test", s2s, other),
            Tlsa("t-bogus.dane.test", c2s, hoster),
            Tlsa("t-ta.dane.test", c2s, TlsaRecords.Create(DaneAuthority.Certificate, TlsaRecords.DaneTa, 0, 1)),
            $"_{c2s}._tcp.t-unusable.dane.test. 300 IN TLSA 4 1 1 {hosterDigest}",
            $"_{c2s}._tcp.t-unusable.dane.test. 300 IN TLSA 3 2 1 {hosterDigest}",
            $"_{c2s}._tcp.t-unusable.dane.test. 300 IN TLSA 3 1 3 {hosterDigest}",
            $"_{c2s}._tcp.t-unusable.dane.test. 300 IN TLSA 3 1 1 {hosterDigest[..32]}",
        };
        foreach (var target in new[] { "t-ee", "t-mismatch", "t-bogus", "t-ta", "t-unusable" })
        {
            dane.Add($"{target}.dane.test. 300 IN A {address}");
        }

        return
        [
            new DnssecZone
            {
                Name = "dane.test",
                Records = dane,
                // The signed TLSA data of t-bogus now names another key: its RRSIG no longer verifies.
                TamperAfterSigning = [($"_{c2s}._tcp.t-bogus.dane.test.\t300\tIN\tTLSA\t3 1 1 {hosterDigest}", $"_{c2s}._tcp.t-bogus.dane.test.\t300\tIN\tTLSA\t3 1 1 {otherDigest}")],
            },
            new DnssecZone
            {
                Name = "expired.test",
                Signing = DnssecSigning.Expired,
                Records = [Srv("xmpp-client", ExpiredDomain, "xmpp.expired.test", c2s), $"xmpp.expired.test. 300 IN A {address}", Tlsa("xmpp.expired.test", c2s, hoster)],
            },
            new DnssecZone
            {
                Name = "plain.test",
                Signing = DnssecSigning.Unsigned,
                Records =
                [
                    Srv("xmpp-client", PlainDomain, "xmpp.plain.test", c2s),
                    Srv("xmpp-client", PlainDelegatedDomain, HosterName, c2s),
                    $"xmpp.plain.test. 300 IN A {address}",
                    Tlsa("xmpp.plain.test", c2s, other),
                ],
            },
        ];
    }
}
