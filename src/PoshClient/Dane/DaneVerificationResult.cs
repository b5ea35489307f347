namespace PoshClient.Dane;

/// <summary>The DANE part of a certificate decision: the TLSA lookup, its DNSSEC status, and the record that matched.</summary>
public sealed record DaneVerificationResult
{
    /// <summary>The conclusion.</summary>
    public required DaneOutcome Outcome { get; init; }

    /// <summary>
    /// Why, e.g. "TLSA _5222._tcp.xmpp.example.net (secure): 3 1 1 0c72… matched the presented certificate's public key".
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>The TLSA owner name(s) consulted, e.g. <c>_5269._tcp.xmpp.example.net</c>; empty when none was.</summary>
    public IReadOnlyList<string> TlsaNames { get; init; } = [];

    /// <summary>The DNSSEC status of the SRV answer that named the endpoint (Insecure without SRV).</summary>
    public DnssecStatus SrvDnssec { get; init; } = DnssecStatus.Insecure;

    /// <summary>The DNSSEC status of the TLSA answer (Insecure when no TLSA query was sent).</summary>
    public DnssecStatus TlsaDnssec { get; init; } = DnssecStatus.Insecure;

    /// <summary>Every TLSA record found, usable or not.</summary>
    public IReadOnlyList<TlsaRecord> Records { get; init; } = [];

    /// <summary>The record that matched, when <see cref="Outcome"/> is <see cref="DaneOutcome.Verified"/>.</summary>
    public TlsaRecord? MatchedRecord { get; init; }

    /// <summary>
    /// The SRV target(s) accepted as reference identities because the SRV answer was secure (RFC 7712 §6, RFC 7673 §4.1).
    /// </summary>
    public IReadOnlyList<string> DelegatedNames { get; init; } = [];
}
