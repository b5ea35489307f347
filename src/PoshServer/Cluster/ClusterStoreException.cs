namespace PoshServer.Cluster;

/// <summary>The store could not be reached or refused the operation; callers keep serving what they have and retry.</summary>
internal class ClusterStoreException : Exception
{
    public ClusterStoreException()
        : this("The cluster store failed.")
    {
    }

    public ClusterStoreException(string message)
        : base(message)
    {
    }

    public ClusterStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
