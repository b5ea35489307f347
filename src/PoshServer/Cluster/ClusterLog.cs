namespace PoshServer.Cluster;

/// <summary>Cluster store log messages, event ids 1600–1649 (1500–1549 are the export's).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1600, LogLevel.Information, "Cluster store: {Store}, replica {ReplicaName}", EventName = "StoreSelected")]
    public static partial void StoreSelected(this ILogger logger, string store, string replicaName);

    [LoggerMessage(1601, LogLevel.Warning, "The cluster store is unreachable: {Reason}; serving what this replica has", EventName = "StoreUnavailable")]
    public static partial void StoreUnavailable(this ILogger logger, string reason);

    [LoggerMessage(1602, LogLevel.Information, "The cluster store is reachable again", EventName = "StoreRecovered")]
    public static partial void StoreRecovered(this ILogger logger);

    [LoggerMessage(1603, LogLevel.Information, "Re-encrypted {Count} secrets with the current key {KeyId}", EventName = "SecretsReencrypted")]
    public static partial void SecretsReencrypted(this ILogger logger, int count, string keyId);

    [LoggerMessage(1604, LogLevel.Warning, "Lost the cluster lock {LockName} (lease not renewed in time)", EventName = "LockLost")]
    public static partial void LockLost(this ILogger logger, string lockName);

    [LoggerMessage(1605, LogLevel.Debug, "Listening for cluster changes", EventName = "Listening")]
    public static partial void Listening(this ILogger logger);

    [LoggerMessage(1606, LogLevel.Warning, "Publishing the heartbeat failed: {Reason}", EventName = "HeartbeatFailed")]
    public static partial void HeartbeatFailed(this ILogger logger, string reason);

    [LoggerMessage(1607, LogLevel.Error, "Listening for cluster changes failed unexpectedly; polling every {Interval} until listening works again", EventName = "ListenFailed")]
    public static partial void ListenFailed(this ILogger logger, TimeSpan interval, Exception exception);
}
