namespace PoshServer.TenantChecks;

/// <summary>Whether a given verifier will accept the tenant, why, and what to change.</summary>
internal sealed record VerifierVerdict
{
    public required KnownVerifier Verifier { get; init; }

    public required CheckVerdict Verdict { get; init; }

    public required string Reason { get; init; }

    public string? Fix { get; init; }
}
