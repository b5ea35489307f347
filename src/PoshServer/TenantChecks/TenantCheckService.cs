using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Tenants;

namespace PoshServer.TenantChecks;

/// <summary>
/// Checks every enabled tenant in the background, a bounded number at a time, once per interval. In a cluster one
/// replica runs each round: the one that takes the <c>checks/round</c> lease and, re-reading the stored round under
/// it, still finds a round due; it stores the results (fenced by the lease) and the others show those.
/// A round looks every tenant up on the network (DNS, HTTPS, XMPP), so background rounds run only when
/// <c>TenantChecks:XmppHosts</c> is configured, and the first begins once the server listens (issue 14).
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
    IHostApplicationLifetime lifetime,
    ILogger<TenantCheckService> logger) : BackgroundService
{
    private readonly TenantVerdictLog _verdicts = new(logger);

    public async Task RunRoundAsync(CancellationToken cancellationToken = default)
    {
        var tenants = store.Current.Tenants.Values.Where(t => !t.Tenant.Disabled).ToList();
        results.Retain(tenants.Select(t => t.Tenant.Domain));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency, CancellationToken = cancellationToken };
        var changed = 0;
        await Parallel.ForEachAsync(tenants, parallel, async (tenant, token) =>
        {
            var previous = results.Get(tenant.Tenant.Domain);
            var result = await checker.CheckAsync(tenant, token);
            if (_verdicts.Observe(previous, result))
            {
                Interlocked.Increment(ref changed);
            }
        });
        results.LastRound = timeProvider.GetUtcNow();
        var all = results.All;
        var passed = all.Count(r => r.Overall == CheckVerdict.Pass);
        var warned = all.Count(r => r.Overall == CheckVerdict.Warn);
        var failed = all.Count(r => r.Overall == CheckVerdict.Fail);
        TenantChecksLog.RoundCompleted(logger, changed > 0 ? LogLevel.Information : LogLevel.Debug, all.Count, passed, warned, failed, changed);
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
        switch (options.Value.Schedule)
        {
            case TenantCheckSchedule.NotConfigured:
                TenantChecksLog.NotConfigured(logger);
                return;
            case TenantCheckSchedule.Off:
                return;
        }

        TenantChecksLog.Scheduled(logger, options.Value.Interval);
        if (!await WhenStartedAsync(stoppingToken))
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

    /// <summary>Waits until the host has started (Kestrel listens); false when it stops first.</summary>
    private async Task<bool> WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started);
        using var onStopping = stoppingToken.Register(static state => ((TaskCompletionSource)state!).TrySetCanceled(), started);
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool Due(TenantCheckRound? stored) => stored is null || stored.CompletedAt + options.Value.Interval <= timeProvider.GetUtcNow();
}
