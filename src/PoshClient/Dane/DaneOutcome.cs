namespace PoshClient.Dane;

/// <summary>What the DANE prooftype (RFC 7712 §5.1, RFC 7673) concluded for a presented certificate.</summary>
public enum DaneOutcome
{
    /// <summary>DANE does not apply: no SRV answer, or an SRV, address or TLSA answer that is not DNSSEC-secure.</summary>
    NotApplicable,

    /// <summary>
    /// A secure answer says there are no TLSA records, or every record is unusable (RFC 7671 §4.1: unknown usage,
    /// selector or matching type, or malformed data): PKIX, then POSH, decide.
    /// </summary>
    NoUsableRecords,

    /// <summary>A usable TLSA record matched under its usage's rules: the certificate is accepted.</summary>
    Verified,

    /// <summary>
    /// Usable TLSA records exist and none matched: the certificate is rejected, and neither PKIX nor POSH can
    /// rescue it (RFC 6698 §4.1, RFC 7673 §3.2).
    /// </summary>
    Mismatch,

    /// <summary>
    /// A DNSSEC failure where DANE applied (a bogus or failed TLSA, SRV or address answer): the client must not use
    /// the endpoint (RFC 7673 §3.1, §3.2; RFC 6698 §4.1).
    /// </summary>
    Failed,
}
