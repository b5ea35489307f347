namespace PoshServer.Status;

/// <summary>One replica of the cluster, from its latest heartbeat.</summary>
internal sealed record StatusReplica
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Its heartbeat is recent (within <c>Cluster:ReplicaTimeout</c>).</summary>
    public required bool Live { get; init; }

    /// <summary>The replica this report comes from.</summary>
    public required bool Self { get; init; }

    public required long TenantGeneration { get; init; }

    public required DateTimeOffset TenantSnapshotBuiltAt { get; init; }

    public required string TenantDigest { get; init; }

    /// <summary>
    /// It serves other tenant documents than the live replica with the most recently built snapshot: it missed a
    /// change (a stale volume, a failed reload).
    /// </summary>
    public required bool ServesOlderTenants { get; init; }

    /// <summary>Per ACME name, the sha-256 thumbprint of the certificate it serves.</summary>
    public required IReadOnlyDictionary<string, string> Certificates { get; init; }
}
