using System.Globalization;
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
    /// <summary>The reason logged and traced for the first load.</summary>
    public const string StartUpReason = "start-up";

    /// <summary>Withdrawn tenants named in one log line; the count says how many more there were.</summary>
    public const int MaxWithdrawnNamesLogged = 20;

    private readonly TenantCatalogBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TenantStore> _logger;
    private readonly Lock _reloadGate = new();
    private readonly LoadThread _loads;
    private readonly TenantParseCache? _parseCache;
    private TenantSnapshot _current = TenantSnapshot.Empty;
    private CancellationTokenSource _changeSource = new();
    private ITimer? _expiryTimer;
    // Warnings already logged: a swap logs only new ones, so an expired certificate is logged once, not on every swap
    // (issue 14); one that goes away and comes back is logged again.
    private HashSet<TenantDiagnostic> _loggedWarnings = [];
    private long _heapAfterCollection;

    public TenantStore(TenantCatalogBuilder builder, TimeProvider timeProvider, ILogger<TenantStore> logger, TenantParseCache? parseCache = null)
    {
        _parseCache = parseCache;
        _builder = builder;
        _timeProvider = timeProvider;
        _logger = logger;
        _loads = new LoadThread();
    }

    public TenantSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The outcome of the latest load, for health and status: errors here mean some files are held at their last good version.</summary>
    public CatalogLoadResult? LastResult { get; private set; }

    /// <summary>Fires after every swap (for ACME names, status, metrics).</summary>
    public IChangeToken GetReloadToken() => new CancellationChangeToken(Volatile.Read(ref _changeSource).Token);

    /// <summary>Loads a directory without serving it: for <c>tenants validate</c> and the first load.</summary>
    public CatalogLoadResult Validate() => _builder.Load(lastGood: null);

    /// <summary>
    /// The first load: on errors nothing is swapped in and the caller refuses to start. Files unchanged since the
    /// parse cache was written are not read again (<see cref="TenantParseCache"/>).
    /// </summary>
    public CatalogLoadResult LoadInitial()
    {
        lock (_reloadGate)
        {
            _parseCache?.Restore(_builder.Reader);
            var result = _builder.Load(lastGood: null);
            LastResult = result;
            if (!result.HasErrors)
            {
                Swap(result, StartUpReason);
                CollectLoadGarbage();
            }

            return result;
        }
    }

    /// <summary>
    /// A later load: errors are logged and rejected files keep their last good version. With
    /// <paramref name="changedTenantFiles"/>, only those tenant files are looked at again (the watcher named them);
    /// without, the whole directory is listed, and <paramref name="completeTenantFiles"/> are files known to be whole
    /// (see <see cref="TenantCatalogBuilder.Load"/>).
    /// </summary>
    public CatalogLoadResult Reload(string reason, IReadOnlyCollection<string>? changedTenantFiles = null, IReadOnlyCollection<string>? completeTenantFiles = null)
    {
        lock (_reloadGate)
        {
            var result = _builder.Load(Current, changedTenantFiles, completeTenantFiles);
            LastResult = result;
            var errors = result.Errors.ToList();
            if (errors.Count > 0)
            {
                TenantsLog.ReloadRejected(_logger, reason, errors.Count);
                foreach (var error in errors)
                {
                    TenantsLog.DiagnosticError(_logger, error.File, error.Line, error.Column, error.Message, error.Hint);
                }
            }

            Swap(result, reason);
            if (changedTenantFiles is null)
            {
                CollectLoadGarbage();
                // After the load, on the load thread: a full load is when many results may have changed.
                _loads.Post(WriteParseCache);
            }

            return result;
        }
    }

    /// <summary>
    /// <see cref="Reload"/> on the load thread, off the thread pool (see <see cref="LoadThread"/>): what the server's
    /// own reloads use while it serves. Loads run one after the other in the order asked.
    /// </summary>
    public Task<CatalogLoadResult> ReloadAsync(string reason, IReadOnlyCollection<string>? changedTenantFiles = null, IReadOnlyCollection<string>? completeTenantFiles = null, CancellationToken cancellationToken = default) =>
        _loads.RunAsync(() => Reload(reason, changedTenantFiles, completeTenantFiles), cancellationToken);

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

    /// <summary>Writes the parse cache if anything changed since it was last written: on shutdown, after the last reload.</summary>
    public Task WriteParseCacheAsync(CancellationToken cancellationToken = default) =>
        _loads.RunAsync(() =>
        {
            WriteParseCache();
            return true;
        }, cancellationToken);

    public void Dispose()
    {
        _expiryTimer?.Dispose();
        _loads.Dispose();
        _changeSource.Dispose();
    }

    private void Swap(CatalogLoadResult result, string reason)
    {
        var snapshot = result.Snapshot;
        var previous = Interlocked.Exchange(ref _current, snapshot);
        TenantsLog.Loaded(_logger, snapshot.Tenants.Count, snapshot.Sets.Count, _builder.DirectoryForLogs, snapshot.Generation, reason);
        LogWithdrawn(previous, snapshot, reason);
        var timings = _builder.LastTimings;
        TenantsLog.LoadTimings(_logger, timings.Total.TotalMilliseconds, timings.Enumerate.TotalMilliseconds, timings.Parse.TotalMilliseconds, timings.Order.TotalMilliseconds, timings.Resolve.TotalMilliseconds, timings.Yielded.TotalMilliseconds);
        var warnings = result.Diagnostics.Where(d => !d.IsError).ToHashSet();
        foreach (var warning in result.Diagnostics.Where(d => !d.IsError && !_loggedWarnings.Contains(d)))
        {
            TenantsLog.DiagnosticWarning(_logger, warning.File, warning.Line, warning.Column, warning.Message, warning.Hint);
        }

        _loggedWarnings = warnings;

        ScheduleExpiryReload(snapshot);
        var changeSource = Interlocked.Exchange(ref _changeSource, new CancellationTokenSource());
        changeSource.Cancel();
        changeSource.Dispose();
    }

    /// <summary>
    /// Tenants served before this swap and not after it (file removed or <c>disabled: true</c>): a revocation says which tenants it withdrew, not only the new count.
    /// </summary>
    private void LogWithdrawn(TenantSnapshot previous, TenantSnapshot current, string reason)
    {
        // After a watcher's change only the changed domains can have been withdrawn: look at those, not every tenant.
        var candidates = current.ChangedSince(previous) is { } changed
            ? changed.Select(d => previous.Tenants.GetValueOrDefault(d)).OfType<TenantEntry>()
            : previous.Tenants.Values;
        var withdrawn = candidates
            .Where(t => !t.Tenant.Disabled && (!current.Tenants.TryGetValue(t.Tenant.Domain, out var now) || now.Tenant.Disabled))
            .Select(t => t.Tenant.Domain)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (withdrawn.Count == 0)
        {
            return;
        }

        var more = withdrawn.Count > MaxWithdrawnNamesLogged ? string.Create(CultureInfo.InvariantCulture, $" and {withdrawn.Count - MaxWithdrawnNamesLogged} more") : string.Empty;
        TenantsLog.Withdrawn(_logger, withdrawn.Count, reason, string.Join(", ", withdrawn.Take(MaxWithdrawnNamesLogged)), more);
    }

    private void WriteParseCache() => _parseCache?.Write(_builder.Reader);

    /// <summary>After a full load only: see <see cref="LoadGarbage"/>.</summary>
    private void CollectLoadGarbage()
    {
        if (!LoadGarbage.IsWorthCollecting(GC.GetTotalMemory(forceFullCollection: false), _heapAfterCollection))
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        var heap = _heapAfterCollection = LoadGarbage.Collect();
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

        ScheduleExpiryTimer(due);
    }

    private void ScheduleExpiryTimer(TimeSpan due) =>
        _expiryTimer = _timeProvider.CreateTimer(_ => _loads.Post(ReloadOnExpiry), null, due, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The expiry reload runs on the load thread, where an exception would be lost (issue 14). A failure is
    /// reported as the reload service reports one (health Degraded, status loadErrors), the snapshot being served stays,
    /// and the reload is tried again after <see cref="TenantsOptions.RetryInterval"/>.
    /// </summary>
    private void ReloadOnExpiry()
    {
        const string reason = "certificate expiry";
        try
        {
            Reload(reason);
        }
        catch (Exception ex)
        {
            lock (_reloadGate)
            {
                _expiryTimer?.Dispose();
                ScheduleExpiryTimer(_builder.RetryInterval);
            }

            RecordFailure(reason, ex);
            TenantsLog.ReloadFailed(_logger, reason, ex);
        }
    }
}
