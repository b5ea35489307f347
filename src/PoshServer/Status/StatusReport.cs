using PoshServer.FailureReports;
using PoshServer.Rotation;
using PoshServer.TenantChecks;

namespace PoshServer.Status;

/// <summary>Everything the status API and page show: read-only, built per request from the current state.</summary>
internal sealed record StatusReport
{
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The tenant snapshot's generation.</summary>
    public required long Generation { get; init; }

    public required DateTimeOffset SnapshotBuiltAt { get; init; }

    /// <summary>Problems of the latest tenant reload (files held at their last good version).</summary>
    public required IReadOnlyList<string> LoadErrors { get; init; }

    public DateTimeOffset? ChecksCompletedAt { get; init; }

    /// <summary>Whether background tenant checks run (NotConfigured without <c>TenantChecks:XmppHosts</c>).</summary>
    public TenantCheckSchedule ChecksSchedule { get; init; }

    public required IReadOnlyList<StatusTenant> Tenants { get; init; }

    public required IReadOnlyList<StatusSet> Sets { get; init; }

    public required IReadOnlyList<RotationSetStatus> Rotation { get; init; }

    public required IReadOnlyList<FailureReportSummary> FailureReports { get; init; }

    /// <summary>Every replica that shares the cluster store (just this one with files), by name.</summary>
    public IReadOnlyList<StatusReplica> Replicas { get; init; } = [];

    /// <summary>Why the cluster store is unreachable, while it is (this replica serves what it has).</summary>
    public string? ClusterError { get; init; }
}
