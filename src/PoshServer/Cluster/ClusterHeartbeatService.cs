using System.Reflection;
using Microsoft.Extensions.Options;

namespace PoshServer.Cluster;

/// <summary>Publishes this replica's heartbeat every <see cref="ClusterOptions.HeartbeatInterval"/>; a failure is logged once per outage and retried.</summary>
internal sealed class ClusterHeartbeatService(
    IClusterStore store,
    IEnumerable<IReplicaStateContributor> contributors,
    IOptions<ClusterOptions> options,
    TimeProvider timeProvider,
    ILogger<ClusterHeartbeatService> logger) : BackgroundService
{
    private static readonly string s_version =
        typeof(ClusterHeartbeatService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();

    public ReplicaHeartbeat Describe()
    {
        var heartbeat = new ReplicaHeartbeat { Name = store.ReplicaName, Version = s_version, StartedAt = _startedAt, LastSeen = timeProvider.GetUtcNow() };
        foreach (var contributor in contributors)
        {
            heartbeat = contributor.Contribute(heartbeat);
        }

        return heartbeat;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.PublishHeartbeatAsync(Describe(), stoppingToken);
                failing = false;
            }
            catch (ClusterStoreException ex)
            {
                if (!failing)
                {
                    logger.HeartbeatFailed(ex.Message);
                }

                failing = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A contributor's bug must not stop the host (issue 14): reported like an unreachable store, tried again.
                if (!failing)
                {
                    logger.HeartbeatFailed(ex.Message);
                }

                failing = true;
            }

            try
            {
                await Task.Delay(options.Value.HeartbeatInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
