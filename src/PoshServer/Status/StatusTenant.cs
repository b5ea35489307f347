using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>A tenant with its latest check.</summary>
internal sealed record StatusTenant
{
    /// <summary>The domain as served: A-labels.</summary>
    public required string Domain { get; init; }

    /// <summary>The domain in Unicode (U-labels) when it is an IDN; null when it reads the same.</summary>
    public string? UnicodeDomain { get; init; }

    public required string CertificateSet { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    public required bool Disabled { get; init; }

    public required int PublishedCertificates { get; init; }

    /// <summary>The headline: the latest check's verdict, unless the tenant changed since (stale) or is disabled.</summary>
    public required StatusTenantState State { get; init; }

    /// <summary>When this server last saw the tenant change in a way its check depends on (null: not since start-up).</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>The latest check; it describes the tenant as it was at <see cref="TenantCheckResult.CheckedAt"/> (see <see cref="State"/>).</summary>
    public TenantCheckResult? Check { get; init; }
}
