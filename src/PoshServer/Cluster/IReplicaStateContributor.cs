namespace PoshServer.Cluster;

/// <summary>A feature's part of this replica's heartbeat (tenant generation, served certificates).</summary>
internal interface IReplicaStateContributor
{
    ReplicaHeartbeat Contribute(ReplicaHeartbeat heartbeat);
}
