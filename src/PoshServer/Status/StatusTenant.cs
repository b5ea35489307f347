using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>A tenant with its latest check.</summary>
internal sealed record StatusTenant
{
    public required string Domain { get; init; }

    public required string CertificateSet { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    public required bool Disabled { get; init; }

    public required int PublishedCertificates { get; init; }

    public TenantCheckResult? Check { get; init; }
}
