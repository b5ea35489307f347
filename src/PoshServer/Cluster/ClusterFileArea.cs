namespace PoshServer.Cluster;

/// <summary>
/// Where the files store keeps a feature's keys: a prefix ending in '/' maps to a directory, any other key to one
/// file. Features register theirs, so the single-server layout stays what each feature's options say.
/// </summary>
internal sealed record ClusterFileArea
{
    public required string Prefix { get; init; }

    public required string Path { get; init; }
}
