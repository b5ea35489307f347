namespace PoshServer.Cluster;

/// <summary>A fenced write found its lock gone (expired or taken over): another replica may be doing the same work.</summary>
internal sealed class ClusterLockLostException : ClusterStoreException
{
    public ClusterLockLostException()
        : this("(unknown)")
    {
    }

    public ClusterLockLostException(string lockName)
        : base($"The cluster lock '{lockName}' is no longer held by this replica; the write was refused.")
    {
    }

    public ClusterLockLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
