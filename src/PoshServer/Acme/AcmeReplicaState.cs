using PoshServer.Cluster;

namespace PoshServer.Acme;

/// <summary>The certificates this replica serves, for its heartbeat (the status page compares replicas).</summary>
internal sealed class AcmeReplicaState(AcmeRenewalService renewal) : IReplicaStateContributor
{
    public ReplicaHeartbeat Contribute(ReplicaHeartbeat heartbeat) => heartbeat with { Certificates = renewal.Served };
}
