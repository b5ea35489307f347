using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Tenants;

namespace PoshServer.TenantChecks;

/// <summary>Checks every enabled tenant in the background, a bounded number at a time, once per interval.</summary>
internal sealed class TenantCheckService(
    TenantChecker checker,
    TenantStore store,
    TenantCheckResults results,
    IOptions<TenantChecksOptions> options,
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop: a checker bug must not stop serving.
                TenantChecksLog.RoundFailed(logger, ex);
            }

            await Task.Delay(options.Value.Interval, timeProvider, stoppingToken);
        }
    }
}
