namespace PoshServer.Cluster;

/// <summary>A held lock; disposing releases it. A lease renews itself until then.</summary>
internal interface IClusterLock : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The fencing token: it grows with every acquisition of the name, so a stale holder's writes can be refused.</summary>
    long Token { get; }

    /// <summary>False once the lock is known to be lost (its lease could not be renewed in time).</summary>
    bool IsHeld { get; }
}
