namespace PoshServer.Cluster;

/// <summary>A put (or, with a null <see cref="Value"/>, a delete) of one key.</summary>
internal sealed record ClusterWrite
{
    public required string Key { get; init; }

    public required byte[]? Value { get; init; }

    /// <summary>A private key: encrypted at rest in PostgreSQL, a 0600 file on disk.</summary>
    public bool Secret { get; init; }

    public static ClusterWrite Put(string key, byte[] value, bool secret = false) => new() { Key = key, Value = value, Secret = secret };

    public static ClusterWrite Delete(string key) => new() { Key = key, Value = null };
}
