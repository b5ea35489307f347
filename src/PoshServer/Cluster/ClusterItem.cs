namespace PoshServer.Cluster;

/// <summary>One stored item, decrypted. <see cref="Version"/> grows with every write of the key.</summary>
internal sealed record ClusterItem
{
    public required string Key { get; init; }

    public required byte[] Value { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
