namespace PoshServer.TenantChecks;

/// <summary>One round of checks as the cluster store keeps it (<c>checks/round.json</c>): every replica shows these verdicts.</summary>
internal sealed record TenantCheckRound
{
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>The replica that ran it.</summary>
    public required string Replica { get; init; }

    public required IReadOnlyList<TenantCheckResult> Results { get; init; }
}
