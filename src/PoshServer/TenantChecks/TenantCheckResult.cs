namespace PoshServer.TenantChecks;

/// <summary>A tenant's check: every finding and the verdict of each known verifier.</summary>
internal sealed record TenantCheckResult
{
    public required string Domain { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The verdict for our own library, which follows the whole RFC: the tenant's headline state.</summary>
    public required CheckVerdict Overall { get; init; }

    public required IReadOnlyList<VerifierVerdict> Verdicts { get; init; }

    public required IReadOnlyList<CheckFinding> Findings { get; init; }
}
