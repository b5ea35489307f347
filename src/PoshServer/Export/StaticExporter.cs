using Microsoft.Extensions.Logging;
using PoshServer.Tenants;

namespace PoshServer.Export;

/// <summary>
/// Exports the tenant store's current snapshot, once or after every swap. Watching reuses the server's own reload
/// machinery (<see cref="TenantReloadService"/> and the store's reload token), so an export follows exactly the
/// snapshots a server on the same directory would serve, including a rejected file held at its last good version.
/// </summary>
internal sealed class StaticExporter(TenantStore store, StaticExportLayout layout, StaticExportWriter writer, ILogger<StaticExporter> logger)
{
    /// <summary>The exporter over the server's own services (tenant store, host names, set-up guide, time).</summary>
    public static StaticExporter Create(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<StaticExporter>(
            services,
            ActivatorUtilities.CreateInstance<StaticExportLayout>(services),
            ActivatorUtilities.CreateInstance<StaticExportWriter>(services));

    /// <summary>A reload service of its own (file watchers, SIGHUP, debounce) for <see cref="WatchAsync"/>; nothing else of the server starts.</summary>
    public static TenantReloadService CreateReloads(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<TenantReloadService>(services);

    public async Task<ExportResult> ExportCurrentAsync(ExportTarget target, CancellationToken cancellationToken)
    {
        var snapshot = store.Current;
        var rejected = store.LastResult?.Errors.Count() ?? 0;
        if (rejected > 0)
        {
            ExportLog.ExportingWithRejectedFiles(logger, snapshot.Generation, rejected);
        }

        var result = await writer.WriteAsync(target, layout.Build(snapshot), snapshot.Generation, snapshot.BuiltAt, cancellationToken);
        ExportLog.Exported(logger, result.Generation, result.FileCount, result.HostCount, target.Directory, result.Version, result.Pruned);
        return result;
    }

    /// <summary>
    /// Exports now and after every reload until cancelled. <paramref name="reloads"/> is started here (file watchers,
    /// SIGHUP, debounce) and stopped on the way out. A failed export is logged; the previous one keeps serving and the
    /// next change tries again.
    /// </summary>
    public async Task WatchAsync(ExportTarget target, TenantReloadService reloads, Action<ExportResult>? exported, CancellationToken cancellationToken)
    {
        await reloads.StartAsync(cancellationToken);
        try
        {
            ExportLog.Watching(logger, target.Directory);
            long? last = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                // Take the token before reading the generation: a swap in between fires it, so none is missed.
                var changed = store.GetReloadToken();
                var generation = store.Current.Generation;
                if (generation != last)
                {
                    last = generation;
                    try
                    {
                        exported?.Invoke(await ExportCurrentAsync(target, cancellationToken));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        ExportLog.ExportFailed(logger, generation, target.Directory, ex);
                    }

                    continue;
                }

                var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (changed.RegisterChangeCallback(static state => ((TaskCompletionSource)state!).TrySetResult(), signalled))
                {
                    await signalled.Task.WaitAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the last export stays in place.
        }
        finally
        {
            await reloads.StopAsync(CancellationToken.None);
        }
    }
}
