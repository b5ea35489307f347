using System.Net;
using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>Options of <see cref="DnsResolver"/>.</summary>
internal sealed class DnsResolverOptions
{
    /// <summary>
    /// The servers to ask, in order. Empty (the default): the nameservers of /etc/resolv.conf (at most three; 127.0.0.1
    /// when the file is missing), whose <c>options timeout:N attempts:N</c> then replace <see cref="AttemptTimeout"/> and
    /// <see cref="Attempts"/>.
    /// </summary>
    public IList<IPEndPoint> Servers { get; } = [];

    /// <summary>Time to wait for one answer from one server. Default 2 s; range 50 ms – 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many rounds over the server list. Default 2; range 1–5.</summary>
    public int Attempts { get; set; } = 2;

    /// <summary>
    /// Time to wait for one TCP connection to one address in <see cref="DnsResolver.ConnectAsync"/> before trying the
    /// next address. Default 10 s; range 100 ms – 2 min.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Set the DO bit (RFC 3225) so that a validating resolver reports, in the AD bit, whether it validated the answer,
    /// and explains a validation failure with an extended DNS error (RFC 8914). Default true.
    /// </summary>
    public bool RequestDnssec { get; set; } = true;

    /// <summary>
    /// Addresses of validating resolvers whose AD bit is believed (RFC 6840 §5.8: only over a secure path to a resolver
    /// the client trusts). Default empty; see <see cref="TrustLoopbackValidators"/>.
    /// </summary>
    public IList<IPAddress> TrustedValidators { get; } = [];

    /// <summary>
    /// Believe the AD bit of resolvers on a loopback address (a validating resolver on this host, the usual secure
    /// path). Default true. An AD bit from any other server is ignored unless it is in <see cref="TrustedValidators"/>.
    /// </summary>
    public bool TrustLoopbackValidators { get; set; } = true;

    /// <summary>
    /// Where the DNSSEC status of an answer comes from. Default <see cref="DnssecMode.TrustAdFromTrustedResolvers"/>;
    /// with <see cref="DnssecMode.ValidateInProcess"/> the trusted-validator settings above play no part.
    /// </summary>
    public DnssecMode Mode { get; set; } = DnssecMode.TrustAdFromTrustedResolvers;

    /// <summary>
    /// The root trust anchors of <see cref="DnssecMode.ValidateInProcess"/>. Empty (the default): the IANA root keys
    /// (<see cref="DnssecTrustAnchor.RootAnchors"/>).
    /// </summary>
    public IList<DnssecTrustAnchor> TrustAnchors { get; } = [];

    /// <summary>True when the AD bit of <paramref name="server"/> counts.</summary>
    public bool IsTrustedValidator(IPAddress server)
    {
        var address = server.IsIPv4MappedToIPv6 ? server.MapToIPv4() : server;
        return (TrustLoopbackValidators && IPAddress.IsLoopback(address)) || TrustedValidators.Any(a => a.Equals(address));
    }
}
