namespace PoshClient.Dane;

/// <summary>The DNSSEC security status of a DNS answer (RFC 4033 §5, RFC 4035 §4.3).</summary>
public enum DnssecStatus
{
    /// <summary>
    /// Not known to be signed: the zone is unsigned, or the resolver did not set the AD bit, or the resolver is not one
    /// the client trusts to validate (then its AD bit is ignored, RFC 6840 §5.8). DANE does not apply.
    /// </summary>
    Insecure,

    /// <summary>Validated: the AD bit from a trusted validating resolver (RFC 4035 §3.2.3).</summary>
    Secure,

    /// <summary>
    /// Validation failed (a bad or expired signature, a missing key…): the trusted resolver answered SERVFAIL with an
    /// extended DNS error of DNSSEC (RFC 8914). The answer must not be used, and nothing falls back past it.
    /// </summary>
    Bogus,

    /// <summary>The lookup failed (time-out, SERVFAIL without a DNSSEC reason, network error): nothing is known.</summary>
    Indeterminate,
}
