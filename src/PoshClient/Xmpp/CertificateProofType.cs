namespace PoshClient.Xmpp;

/// <summary>How a certificate was accepted for a domain (RFC 7712 §7: the prooftypes).</summary>
public enum CertificateProofType
{
    /// <summary>Not accepted.</summary>
    None,

    /// <summary>Chains to a trusted root and names the domain (RFC 6120 §13.7.2).</summary>
    Pkix,

    /// <summary>Matches the domain's POSH fingerprints and is within its validity period (RFC 7711 §3.3, §6).</summary>
    Posh,

    /// <summary>Matches a usable TLSA record of a DNSSEC-secure answer under that record's usage (RFC 7712 §5.1, RFC 7673).</summary>
    Dane,
}
