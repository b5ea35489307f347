using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>The outcome of verifying a certificate for a domain, with a reason an operator can act on.</summary>
public sealed record PoshVerificationResult
{
    /// <summary>The verdict.</summary>
    public required PoshVerificationOutcome Outcome { get; init; }

    /// <summary>What was fetched from where, what was presented, and why it was or was not accepted.</summary>
    public required string Reason { get; init; }

    /// <summary>The domain the certificate was verified for (the reference identity, RFC 7712 §5.2).</summary>
    public required string Domain { get; init; }

    /// <summary>The POSH service whose document was used.</summary>
    public required PoshService Service { get; init; }

    /// <summary>The presented end-entity certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>True when the certificate is accepted for <see cref="Domain"/>.</summary>
    public bool IsVerified => Outcome is PoshVerificationOutcome.VerifiedByPkix or PoshVerificationOutcome.VerifiedByPosh;
}
