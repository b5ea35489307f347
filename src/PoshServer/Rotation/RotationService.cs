using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.Rotation;

/// <summary>Evaluates rotation after every tenant reload, when something falls due, when the cluster store reports a change, and every evaluation interval.</summary>
internal sealed class RotationService(
    RotationCoordinator coordinator,
    TenantStore store,
    IClusterStore cluster,
    IOptions<RotationOptions> options,
    TimeProvider timeProvider,
    ILogger<RotationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var reloaded = store.GetReloadToken();
            var changed = cluster.GetChangeToken();
            try
            {
                await coordinator.EvaluateAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop: rotation must never stop serving.
                RotationLog.EvaluationFailed(logger, ex);
            }

            var wait = options.Value.EvaluationInterval;
            if (coordinator.NextDue is { } due)
            {
                var untilDue = due - timeProvider.GetUtcNow() + TimeSpan.FromSeconds(1);
                wait = untilDue < wait ? (untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue) : wait;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var registration = reloaded.RegisterChangeCallback(static state => ((CancellationTokenSource)state!).Cancel(), wake);
            // In a cluster, another replica's publication or switch may change what is due here.
            using var clusterChange = changed.RegisterChangeCallback(static state => ((CancellationTokenSource)state!).Cancel(), wake);
            try
            {
                await Task.Delay(wait, timeProvider, wake.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // A reload: evaluate again.
            }
        }
    }
}
