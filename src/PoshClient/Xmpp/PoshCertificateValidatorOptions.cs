using System.Net;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Dane;

namespace PoshClient.Xmpp;

/// <summary>Options of <see cref="PoshCertificateValidator"/>.</summary>
public sealed class PoshCertificateValidatorOptions
{
    /// <summary>
    /// The chain policy of the PKIX prooftype (trust store, revocation). Default: the system trust store with
    /// online revocation checking that soft-fails when revocation information is unreachable. For a private
    /// deployment, use <see cref="X509ChainTrustMode.CustomRootTrust"/> with the roots to trust.
    /// </summary>
    public X509ChainPolicy? ChainPolicy { get; set; }

    /// <summary>Upper bound for a POSH verification (retrieval included). Default 15 s; range 1 s – 2 min.</summary>
    public TimeSpan PoshTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the synchronous callback of <see cref="PoshCertificateValidator.CreateCallback"/> waits for an
    /// already-prefetched POSH lookup that is still in flight. Default 5 s; range 0 – 30 s.
    /// </summary>
    public TimeSpan CallbackPoshWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// DNS servers for the DANE prooftype of inbound s2s (<see cref="PoshCertificateValidator.VerifyInboundAsync"/>) and
    /// for piggybacking; an <see cref="XmppConnector"/> built on this validator resolves through them too. Default
    /// empty: inbound DANE is off (outbound DANE uses the connector's own resolver). Use a validating resolver.
    /// </summary>
    public IList<IPEndPoint> DnsServers { get; } = [];

    /// <summary>
    /// Validating resolvers whose AD bit is believed beside loopback ones (RFC 6840 §5.8). Default empty: only a
    /// resolver on this host is trusted, never an arbitrary network resolver.
    /// </summary>
    public IList<IPAddress> DnssecTrustedResolvers { get; } = [];

    /// <summary>Believe the AD bit of a resolver on a loopback address. Default true.</summary>
    public bool TrustLoopbackDnssecResolvers { get; set; } = true;

    /// <summary>
    /// Where the DNSSEC status of <see cref="DnsServers"/>' answers comes from, as <see cref="PoshClientOptions.DnssecMode"/>.
    /// Default <see cref="DnssecMode.TrustAdFromTrustedResolvers"/>.
    /// </summary>
    public DnssecMode DnssecMode { get; set; } = DnssecMode.TrustAdFromTrustedResolvers;

    /// <summary>
    /// Root trust anchors of <see cref="DnssecMode.ValidateInProcess"/>, as <see cref="PoshClientOptions.DnssecTrustAnchors"/>;
    /// an invalid one makes the validator's constructor throw <see cref="ArgumentException"/>. Default empty: the IANA root keys.
    /// </summary>
    public IList<string> DnssecTrustAnchors { get; } = [];
}
