namespace PoshServer.Cluster;

/// <summary>Where replicas share state (configuration section <c>Cluster</c>).</summary>
internal sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary><c>files</c> (one server, the default) or <c>postgresql</c> (a cluster).</summary>
    public ClusterStoreKind Store { get; set; } = ClusterStoreKind.Files;

    /// <summary>Npgsql connection string; required with <c>postgresql</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>This replica's name in heartbeats, locks and the status page. Default: the host name.</summary>
    public string ReplicaName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Base64 of 32 random bytes: encrypts private keys at rest (AES-256-GCM, key id stored beside each ciphertext).
    /// Required with <c>postgresql</c>.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Keys that still decrypt during a key rotation; items are re-encrypted with <see cref="EncryptionKey"/> at start.</summary>
    public IList<string> PreviousEncryptionKeys { get; } = [];

    /// <summary>How long a lock outlives a replica that stopped renewing it (killed, cut off). Default 30 s; range 2 s – 10 min.</summary>
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a replica looks for changes when no notification arrives (LISTEN/NOTIFY not passed through). Default 5 s; range 100 ms – 5 min.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a replica publishes its heartbeat. Default 5 s; range 100 ms – 5 min.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A replica whose heartbeat is older than this is not live (rotation ignores it; status flags it). Default 1 min; range 1 s – 1 day.</summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
