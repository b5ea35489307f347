namespace PoshClient.Pkix;

/// <summary>The result of checking a certificate by the PKIX prooftype: chain validation plus identity matching.</summary>
public sealed record PkixValidationResult
{
    /// <summary>What failed; <see cref="PkixFailures.None"/> when the certificate is valid for the domain.</summary>
    public required PkixFailures Failures { get; init; }

    /// <summary>The reference identity the certificate was checked for (A-label, lower case).</summary>
    public required string Domain { get; init; }

    /// <summary>The identifiers the certificate presents.</summary>
    public required PresentedIdentifiers Presented { get; init; }

    /// <summary>The identifier that matched, e.g. "DNS-ID *.example.com", or null.</summary>
    public string? MatchedIdentifier { get; init; }

    /// <summary>An explanation such as "untrusted root (CN=Some CA); name mismatch (certificate names hosting.example.net)".</summary>
    public required string Reason { get; init; }

    /// <summary>True when both chain and name checks passed.</summary>
    public bool IsValid => Failures == PkixFailures.None;

    /// <summary>
    /// True when the only failures concern where trust comes from (the chain) or the name, which a POSH match
    /// replaces (RFC 7711 §3, §4); an expired or revoked certificate is never rescued (RFC 7711 §6).
    /// </summary>
    public bool IsRescuableByPosh => !IsValid && (Failures & (PkixFailures.NotTimeValid | PkixFailures.Revoked)) == PkixFailures.None;
}
