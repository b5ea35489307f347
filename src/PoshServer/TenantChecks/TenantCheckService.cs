using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.TenantChecks;

/// <summary>
/// Checks every enabled tenant in the background, a bounded number at a time, once per interval. In a cluster one
/// replica runs each round: the one that takes the <c>checks/round</c> lease and, re-reading the stored round under
/// it, still finds a round due; it stores the results (fenced by the lease) and the others show those.
/// </summary>
internal sealed class TenantCheckService(
    TenantChecker checker,
    TenantStore store,
    TenantCheckResults results,
    TenantCheckRoundStore rounds,
    IClusterStore cluster,
    IOptions<TenantChecksOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    TimeProvider timeProvider,
    ILogger<TenantCheckService> logger) : BackgroundService
{
    public async Task RunRoundAsync(CancellationToken cancellationToken = default)
    {
        var tenants = store.Current.Tenants.Values.Where(t => !t.Tenant.Disabled).ToList();
        results.Retain(tenants.Select(t => t.Tenant.Domain));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(tenants, parallel, async (tenant, token) =>
        {
            var result = await checker.CheckAsync(tenant, token);
            if (result.Overall == CheckVerdict.Fail)
            {
                TenantChecksLog.TenantFailed(logger, result.Domain, result.Verdicts[0].Reason);
            }
        });
        results.LastRound = timeProvider.GetUtcNow();
        var all = results.All;
        TenantChecksLog.RoundCompleted(logger, all.Count, all.Count(r => r.Overall == CheckVerdict.Pass), all.Count(r => r.Overall == CheckVerdict.Warn), all.Count(r => r.Overall == CheckVerdict.Fail));
    }

    /// <summary>
    /// Runs a round if one is due (none yet, or the latest is an interval old). A shared store: reads the stored round
    /// first, and runs only under the round lease; true when this replica ran the round.
    /// </summary>
    public async Task<bool> RunDueRoundAsync(CancellationToken cancellationToken = default)
    {
        if (!rounds.IsShared)
        {
            if (results.LastRound is { } last && last + options.Value.Interval > timeProvider.GetUtcNow())
            {
                return false;
            }

            await RunRoundAsync(cancellationToken);
            return true;
        }

        if (!Due(await rounds.RefreshAsync(cancellationToken)))
        {
            return false;
        }

        await using var lease = await rounds.TryLockAsync(cancellationToken);
        if (lease is null)
        {
            TenantChecksLog.RoundElsewhere(logger);
            return false;
        }

        // Re-check under the lease: the replica that held it before may have just stored its round.
        if (!Due(await rounds.RefreshAsync(cancellationToken)))
        {
            return false;
        }

        await RunRoundAsync(cancellationToken);
        await rounds.SaveAsync(results.LastRound!.Value, lease, cancellationToken);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = cluster.GetChangeToken();
            try
            {
                await RunDueRoundAsync(stoppingToken);
            }
            catch (ClusterStoreException ex)
            {
                // Serve the verdicts this replica has; the next look catches up.
                TenantChecksLog.StoreUnavailable(logger, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop: a checker bug must not stop serving.
                TenantChecksLog.RoundFailed(logger, ex);
            }

            // A shared store: look again when another replica stores a round (or at the poll interval) and when the
            // next round falls due, so this replica shows the latest verdicts and takes over if the runner died.
            var wait = options.Value.Interval;
            if (rounds.IsShared)
            {
                var due = (results.LastRound ?? timeProvider.GetUtcNow()) + options.Value.Interval - timeProvider.GetUtcNow();
                wait = due < clusterOptions.Value.PollInterval ? clusterOptions.Value.PollInterval : due;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var registration = changed.RegisterChangeCallback(static state => ((CancellationTokenSource)state!).Cancel(), wake);
            try
            {
                await Task.Delay(wait, timeProvider, wake.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Something changed in the store: look again.
            }
        }
    }

    private bool Due(TenantCheckRound? stored) => stored is null || stored.CompletedAt + options.Value.Interval <= timeProvider.GetUtcNow();
}
