namespace PoshClient.Xmpp;

/// <summary>Whether a further domain may use an existing s2s stream (RFC 7712 §4.4), and why.</summary>
public sealed record PiggybackDecision
{
    /// <summary>The further domain (A-label, lower case).</summary>
    public required string Domain { get; init; }

    /// <summary>True when the domain may use the stream without a new connection or dialback.</summary>
    public required bool IsAllowed { get; init; }

    /// <summary>Why, naming the endpoint comparison and the prooftype.</summary>
    public required string Reason { get; init; }

    /// <summary>The certificate decision for the further domain, when one was made.</summary>
    public CertificateValidationResult? Certificate { get; init; }
}
