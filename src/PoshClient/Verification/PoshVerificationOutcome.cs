namespace PoshClient.Verification;

/// <summary>The verdict on a presented certificate for a domain.</summary>
public enum PoshVerificationOutcome
{
    /// <summary>The certificate chains to a trusted root and names the domain (RFC 6120 §13.7.2, RFC 9525).</summary>
    VerifiedByPkix,

    /// <summary>The certificate matches the domain's POSH material and is within its validity period (RFC 7711 §3.3, §6).</summary>
    VerifiedByPosh,

    /// <summary>The domain publishes no usable POSH material (404, unreachable, non-https redirect, …).</summary>
    NoPoshMaterial,

    /// <summary>Material was found but is invalid or malformed (expires 0, nested reference, bad JSON, …).</summary>
    InvalidMaterial,

    /// <summary>Valid material, but no descriptor matches the presented certificate (RFC 7711 §3.3: SHOULD reject).</summary>
    Mismatch,

    /// <summary>The certificate matched, but is expired or not yet valid (RFC 7711 §6: MUST NOT accept).</summary>
    CertificateNotValidNow,
}
