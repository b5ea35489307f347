namespace PoshServer.Cluster;

/// <summary>What a replica tells the others about itself, every heartbeat.</summary>
internal sealed record ReplicaHeartbeat
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The store's time of the latest heartbeat (set by the store, not the replica's clock).</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>The replica's tenant snapshot generation (counts reloads since its start).</summary>
    public long TenantGeneration { get; init; }

    /// <summary>When that snapshot was built.</summary>
    public DateTimeOffset TenantSnapshotBuiltAt { get; init; }

    /// <summary>A digest of the tenant documents it serves: replicas with equal digests serve the same tenants.</summary>
    public string TenantDigest { get; init; } = string.Empty;

    /// <summary>Per ACME name, the sha-256 thumbprint of the certificate it serves.</summary>
    public IReadOnlyDictionary<string, string> Certificates { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
