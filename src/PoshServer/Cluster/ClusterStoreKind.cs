namespace PoshServer.Cluster;

/// <summary>Where cluster state lives (<c>Cluster:Store</c>).</summary>
internal enum ClusterStoreKind
{
    /// <summary>Local files and memory: one server, today's layout.</summary>
    Files,

    /// <summary>A PostgreSQL database shared by every replica.</summary>
    PostgreSql,
}
