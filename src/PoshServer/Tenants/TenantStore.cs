using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace PoshServer.Tenants;

/// <summary>
/// Holds the current <see cref="TenantSnapshot"/> and replaces it on reload. Readers only dereference
/// <see cref="Current"/>; reloads are serialised and never block readers. A reload with errors keeps each
/// rejected file's last good version; only the first load refuses to start on errors.
/// </summary>
internal sealed class TenantStore : IDisposable
{
    private readonly TenantCatalogBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TenantStore> _logger;
    private readonly Lock _reloadGate = new();
    private TenantSnapshot _current = TenantSnapshot.Empty;
    private CancellationTokenSource _changeSource = new();
    private ITimer? _expiryTimer;

    public TenantStore(TenantCatalogBuilder builder, TimeProvider timeProvider, ILogger<TenantStore> logger)
    {
        _builder = builder;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public TenantSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The outcome of the latest load, for health and status: errors here mean some files are held at their last good version.</summary>
    public CatalogLoadResult? LastResult { get; private set; }

    /// <summary>Fires after every swap (for ACME names, status, metrics).</summary>
    public IChangeToken GetReloadToken() => new CancellationChangeToken(Volatile.Read(ref _changeSource).Token);

    /// <summary>Loads a directory without serving it: for <c>tenants validate</c> and the first load.</summary>
    public CatalogLoadResult Validate() => _builder.Load(lastGood: null);

    /// <summary>The first load: on errors nothing is swapped in and the caller refuses to start.</summary>
    public CatalogLoadResult LoadInitial()
    {
        lock (_reloadGate)
        {
            var result = _builder.Load(lastGood: null);
            LastResult = result;
            if (!result.HasErrors)
            {
                Swap(result, "start-up");
                CollectLoadGarbage();
            }

            return result;
        }
    }

    /// <summary>
    /// A later load: errors are logged and rejected files keep their last good version. With
    /// <paramref name="changedTenantFiles"/>, only those tenant files are looked at again (the watcher named them);
    /// without, the whole directory is listed.
    /// </summary>
    public CatalogLoadResult Reload(string reason, IReadOnlyCollection<string>? changedTenantFiles = null)
    {
        lock (_reloadGate)
        {
            var result = _builder.Load(Current, changedTenantFiles);
            LastResult = result;
            var errors = result.Errors.ToList();
            if (errors.Count > 0)
            {
                TenantsLog.ReloadRejected(_logger, reason, errors.Count);
                foreach (var error in errors)
                {
                    TenantsLog.DiagnosticError(_logger, error.ToString());
                }
            }

            Swap(result, reason);
            if (changedTenantFiles is null)
            {
                CollectLoadGarbage();
            }

            return result;
        }
    }

    /// <summary>
    /// A reload that failed with an exception: nothing is swapped, and the failure becomes the latest result so that
    /// health (Degraded) and status (loadErrors) say why, instead of only a log line (issue 13).
    /// </summary>
    public CatalogLoadResult RecordFailure(string reason, Exception exception)
    {
        lock (_reloadGate)
        {
            var error = TenantDiagnostic.Error(_builder.DirectoryForLogs, 0, 0, $"the tenant reload ({reason}) failed: {exception.GetType().Name}: {exception.Message}", "Every tenant keeps serving its last good version; the load is retried until it succeeds.") with { Transient = true };
            var result = new CatalogLoadResult(Current, [error]);
            LastResult = result;
            return result;
        }
    }

    public void Dispose()
    {
        _expiryTimer?.Dispose();
        _changeSource.Dispose();
    }

    private void Swap(CatalogLoadResult result, string reason)
    {
        var snapshot = result.Snapshot;
        Volatile.Write(ref _current, snapshot);
        TenantsLog.Loaded(_logger, snapshot.Tenants.Count, snapshot.Sets.Count, _builder.DirectoryForLogs, snapshot.Generation, reason);
        var timings = _builder.LastTimings;
        TenantsLog.LoadTimings(_logger, timings.Total.TotalMilliseconds, timings.Enumerate.TotalMilliseconds, timings.Parse.TotalMilliseconds, timings.Order.TotalMilliseconds, timings.Resolve.TotalMilliseconds);
        foreach (var warning in result.Diagnostics.Where(d => !d.IsError))
        {
            TenantsLog.DiagnosticWarning(_logger, warning.ToString());
        }

        ScheduleExpiryReload(snapshot);
        var previous = Interlocked.Exchange(ref _changeSource, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    /// <summary>After a full load only: see <see cref="LoadGarbage"/>.</summary>
    private void CollectLoadGarbage()
    {
        var started = _timeProvider.GetTimestamp();
        var heap = LoadGarbage.Collect();
        TenantsLog.LoadGarbageCollected(_logger, _timeProvider.GetElapsedTime(started).TotalMilliseconds, heap / 1048576.0);
    }

    /// <summary>A certificate that expires must stop being published at that moment, even if no file changes.</summary>
    private void ScheduleExpiryReload(TenantSnapshot snapshot)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (snapshot.NextExpiry is not { } expiry)
        {
            return;
        }

        // notAfter is inclusive to the second; reload just after it.
        var due = expiry - _timeProvider.GetUtcNow() + TimeSpan.FromSeconds(1);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (due > TimeSpan.FromDays(30))
        {
            due = TimeSpan.FromDays(30);
        }

        _expiryTimer = _timeProvider.CreateTimer(_ => ThreadPool.UnsafeQueueUserWorkItem(_ => Reload("certificate expiry"), null), null, due, Timeout.InfiniteTimeSpan);
    }
}
