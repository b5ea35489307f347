using System.Net;
using PoshClient.Dane;
using System.Security.Cryptography.X509Certificates;

namespace PoshClient;

/// <summary>
/// Options of POSH retrieval and verification (RFC 7711 §3, §6, §10). Ranges are enforced by
/// <c>AddPoshClient</c> at start-up and by the <see cref="Verification.PoshVerifier"/> constructors.
/// </summary>
public sealed class PoshClientOptions
{
    /// <summary>Largest accepted body, enforced while reading (Content-Length is not trusted).</summary>
    /// <value>Default 65,536 bytes (64 KiB); range 1,024 – 1,048,576.</value>
    public int MaxDocumentBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// One time budget for a whole lookup: every redirect, the reference hop and slow bodies (posh-spec C-14).
    /// </summary>
    /// <value>Default 10 s; range 100 ms – 2 min.</value>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Redirects followed per request chain: the source-domain GET and the <c>url</c> GET each get this many
    /// (RFC 7711 §10 RECOMMENDS no more than 10).
    /// </summary>
    /// <value>Default 10; range 0 – 10.</value>
    public int MaxRedirects { get; set; } = 10;

    /// <summary>Upper bound on how long found material is cached, whatever <c>expires</c> says (RFC 7711 §6 MAY use a lower value).</summary>
    /// <value>Default 1 h; range 0 (no positive caching) – 7 days.</value>
    public TimeSpan MaxCacheTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Negative-cache time for 404, malformed or invalid material (posh-spec 1.5: 5–15 min), before jitter.</summary>
    /// <value>Default 5 min; range 0 – 1 h.</value>
    public TimeSpan NotFoundCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Negative-cache time for network, TLS, time-out, redirect and non-404 HTTP failures (posh-spec 1.5: 1–2 min), before jitter.</summary>
    /// <value>Default 1 min; range 0 – 15 min.</value>
    public TimeSpan FailureCacheTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Random spread applied to negative-cache times so that many domains do not expire together.</summary>
    /// <value>Default 0.2 (±20 %); range 0 – 0.5.</value>
    public double NegativeCacheJitter { get; set; } = 0.2;

    /// <summary>
    /// A certificate that does not match cached material triggers one refetch (posh-spec C-19), but only if the
    /// cached material is at least this old, so that a peer presenting wrong certificates cannot make us hammer a web server.
    /// </summary>
    /// <value>Default 1 min; range 0 – 1 h.</value>
    public TimeSpan MinimumRefetchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most (domain, service) entries kept; when full, expired entries are dropped first, then the whole cache.</summary>
    /// <value>Default 10,000; range 1 – 1,000,000.</value>
    public int MaxCacheEntries { get; set; } = 10_000;

    /// <summary>
    /// Chain policy for the HTTPS web servers that serve POSH documents (RFC 7711 §3: the client MUST verify them).
    /// Null uses the system trust store. Set <see cref="X509ChainPolicy.TrustMode"/> to
    /// <see cref="X509ChainTrustMode.CustomRootTrust"/> with <see cref="X509ChainPolicy.CustomTrustStore"/> for a
    /// private deployment. Host names are always checked; there is no way to trust everything.
    /// </summary>
    /// <value>Default null (system trust store).</value>
    public X509ChainPolicy? WebChainPolicy { get; set; }

    /// <summary>
    /// DNS servers for SRV and address lookups, and for resolving the web servers that serve POSH documents. Empty
    /// uses the nameservers of /etc/resolv.conf for XMPP lookups and the system resolver for HTTPS. Set it to run a
    /// private test world on one DNS server.
    /// </summary>
    /// <value>Default empty.</value>
    public IList<IPEndPoint> DnsServers { get; } = [];

    /// <summary>
    /// Chain policy for XMPP servers' certificates under the PKIX prooftype (RFC 6120 §13.7.2). Null uses the system
    /// trust store. POSH (RFC 7711) is tried when the chain or the name check fails.
    /// </summary>
    /// <value>Default null (system trust store).</value>
    public X509ChainPolicy? XmppChainPolicy { get; set; }

    /// <summary>
    /// Validating resolvers whose AD bit is believed, besides those on loopback when
    /// <see cref="TrustLoopbackDnssecResolvers"/> is set (RFC 6840 §5.8: only a resolver the client trusts, over a
    /// path it trusts). DANE (RFC 7673) and secure delegation (RFC 7712 §6) need Secure answers.
    /// </summary>
    /// <value>Default empty.</value>
    public IList<IPAddress> DnssecTrustedResolvers { get; } = [];

    /// <summary>Believe the AD bit of resolvers on a loopback address (a validating resolver on this host).</summary>
    /// <value>Default true.</value>
    public bool TrustLoopbackDnssecResolvers { get; set; } = true;

    /// <summary>
    /// Where the DNSSEC status of each answer comes from: the AD bit of trusted validating resolvers, or validation in
    /// this process from <see cref="DnssecTrustAnchors"/> (then no resolver's AD bit is believed, and
    /// <see cref="DnssecTrustedResolvers"/> and <see cref="TrustLoopbackDnssecResolvers"/> play no part). In-process
    /// validation needs every server of <see cref="DnsServers"/> on the same port.
    /// </summary>
    /// <value>Default <see cref="DnssecMode.TrustAdFromTrustedResolvers"/>.</value>
    public DnssecMode DnssecMode { get; set; } = DnssecMode.TrustAdFromTrustedResolvers;

    /// <summary>
    /// Trust anchors of <see cref="DnssecMode.ValidateInProcess"/>: DS records of the root in presentation form
    /// (<c>. IN DS 20326 8 2 E06D44B8…</c>, RFC 4034 §5.3). Only root anchors are accepted; a private test world signs
    /// its own root and lists that root's DS here. Checked at start-up.
    /// </summary>
    /// <value>Default empty: the IANA root keys KSK-2017 (20326) and KSK-2024 (38696).</value>
    public IList<string> DnssecTrustAnchors { get; } = [];

    /// <summary>
    /// Where to report failed POSH verifications (mismatch, certificate not valid now, invalid material), e.g. the
    /// hoster's <c>https://posh.hosting.example/posh-reports</c>. Reports are sent in the background, never delay a
    /// verification, and are dropped when more than 64 are waiting. Must be an absolute https URL.
    /// </summary>
    /// <value>Default null (no reports).</value>
    public Uri? FailureReportUrl { get; set; }

    /// <summary>Who is reporting (e.g. your XMPP domain), included in failure reports.</summary>
    /// <value>Default null.</value>
    public string? FailureReporter { get; set; }
}
