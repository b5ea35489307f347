namespace PoshClient.Dane;

/// <summary>Where the DNSSEC status of a DNS answer (secure, insecure, bogus) comes from.</summary>
public enum DnssecMode
{
    /// <summary>
    /// The AD bit of a validating resolver the client trusts (on loopback by default, or listed as trusted): Secure
    /// when it is set, Bogus when the resolver answers SERVFAIL with a DNSSEC extended error (RFC 8914). The AD bit of
    /// any other resolver is ignored (RFC 6840 §5.8).
    /// </summary>
    TrustAdFromTrustedResolvers,

    /// <summary>
    /// Validate every answer in-process (RFC 4035 §5) from the configured trust anchors, the root key by default: the
    /// resolvers only fetch records and signatures (asked with CD=1), and their AD bit is never believed.
    /// </summary>
    ValidateInProcess,
}
