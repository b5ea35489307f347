using PoshClient.Dane;
using PoshClient.Documents;
using PoshClient.Pkix;
using PoshClient.Verification;

namespace PoshClient.Xmpp;

/// <summary>The decision on a presented certificate for an XMPP domain: DANE when it applies, then PKIX, then POSH (RFC 7712 §7).</summary>
public sealed record CertificateValidationResult
{
    /// <summary>How the certificate was accepted, or <see cref="CertificateProofType.None"/>.</summary>
    public required CertificateProofType ProofType { get; init; }

    /// <summary>The reference identity (A-label, lower case): the stream <c>to</c> outbound, <c>from</c> inbound.</summary>
    public required string Domain { get; init; }

    /// <summary>The POSH service whose document applies.</summary>
    public required PoshService Service { get; init; }

    /// <summary>
    /// Why the certificate was accepted or rejected, e.g. "certificate for example.com rejected: PKIX: name mismatch
    /// (certificate names hosting.example.net; expected example.com); POSH: no material (404 at https://…)".
    /// </summary>
    public required string Reason { get; init; }

    /// <summary>The presented certificate, when there was one.</summary>
    public CertificateSummary? Certificate { get; init; }

    /// <summary>The PKIX result, when a certificate was presented.</summary>
    public PkixValidationResult? Pkix { get; init; }

    /// <summary>The DANE result: what the SRV and TLSA answers said, and the TLSA record that matched, if any.</summary>
    public DaneVerificationResult? Dane { get; init; }

    /// <summary>The POSH result, when POSH was consulted (only after a chain or name failure).</summary>
    public PoshVerificationResult? Posh { get; init; }

    /// <summary>True when the certificate is accepted for <see cref="Domain"/>.</summary>
    public bool IsAccepted => ProofType != CertificateProofType.None;
}
