namespace PoshClient.Pkix;

/// <summary>Why the PKIX prooftype did not accept a certificate. Several can apply at once.</summary>
[Flags]
public enum PkixFailures
{
    /// <summary>The certificate chains to a trusted root and names the domain.</summary>
    None = 0,

    /// <summary>No path to a trusted root (untrusted or self-signed root, or missing intermediates).</summary>
    UntrustedRoot = 1,

    /// <summary>The end-entity certificate is expired or not yet valid (never rescued: RFC 7711 §6).</summary>
    NotTimeValid = 2,

    /// <summary>Any other chain problem: bad signature, expired intermediate, wrong usage, name constraints, …</summary>
    InvalidChain = 4,

    /// <summary>No DNS-ID, SRV-ID or XmppAddr in the certificate matches the domain (RFC 6120 §13.7.2.1, RFC 9525 §6).</summary>
    NameMismatch = 8,

    /// <summary>A certificate in the chain is revoked (never rescued).</summary>
    Revoked = 16,
}
