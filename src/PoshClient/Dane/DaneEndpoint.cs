using PoshClient.Dns;

namespace PoshClient.Dane;

/// <summary>
/// What DNS said about one endpoint, as the DANE prooftype and secure delegation need it: the SRV answer's security,
/// the target (a reference identity only when the SRV answer is secure) and the TLSA answer, if one was asked for.
/// </summary>
internal sealed record DaneEndpoint
{
    /// <summary>The SRV target host name; null without SRV (fallback or configured host).</summary>
    public string? Target { get; init; }

    public int Port { get; init; }

    public DnssecStatus SrvDnssec { get; init; } = DnssecStatus.Insecure;

    public DnssecStatus AddressDnssec { get; init; } = DnssecStatus.Insecure;

    /// <summary>The TLSA answer; null when DANE did not apply (RFC 7673 §3.2: only for secure SRV and address answers).</summary>
    public DnsTlsaResult? Tlsa { get; init; }

    /// <summary>A DNSSEC failure before any TLSA query (a bogus SRV or address answer); the endpoint must not be used.</summary>
    public string? Failure { get; init; }

    /// <summary>The target as a reference identity: only with a secure SRV answer (RFC 7673 §4.1).</summary>
    public string? DelegatedName => SrvDnssec == DnssecStatus.Secure ? Target : null;

    /// <summary>
    /// RFC 7673 §3.2: a TLSA lookup that did not end in a secure answer or a secure denial means the client must not
    /// connect to this endpoint; an insecure TLSA answer for a target in an unsigned zone means no DANE.
    /// </summary>
    public bool IsFailed => Failure is not null || Tlsa is { } tlsa && (tlsa.Dnssec is DnssecStatus.Bogus or DnssecStatus.Indeterminate
        || tlsa.Status is not (DnsResponseStatus.Success or DnsResponseStatus.NoData or DnsResponseStatus.NameError));

    public string FailureDetail => Failure ?? Tlsa?.Detail ?? string.Empty;

    public static string TlsaName(string target, int port) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"_{port}._tcp.{target}");
}
