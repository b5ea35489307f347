using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Telemetry;
using PoshServer.Watching;

namespace PoshServer.Tenants;

/// <summary>
/// Reloads tenants when files change (tenant files, the certificate sets file, certificate files wherever they live)
/// and on SIGHUP. A tenant file renamed into place is applied at once; one written in place first has to settle
/// (<see cref="TenantsOptions.SettleTime"/>); anything else is a full load. Events are debounced
/// (<see cref="DebouncedSignal"/>, <see cref="TenantsOptions.ReloadDebounce"/>). A reload never interrupts
/// serving: the old snapshot serves until the new one is swapped in.
/// <para>
/// The directory itself may be replaced (deploy tools rename a new copy over it; git-sync flips a symlink; a
/// Kubernetes ConfigMap volume flips its <c>..data</c> link): its parent is watched for its name, and the watchers
/// follow the new directory. A load that met an I/O error is retried every <see cref="TenantsOptions.RetryInterval"/>
/// until it succeeds.
/// </para>
/// </summary>
internal sealed class TenantReloadService : BackgroundService
{
    /// <summary>The reason logged for the reload that closes the gap between the first load and the watchers.</summary>
    public const string CatchUpReason = "start-up catch-up";

    private readonly TenantStore _store;
    private readonly TenantsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TenantReloadService> _logger;
    private readonly DebouncedSignal _signal;
    // Directory → its watchers (its own, and its parent's for its name), so watching one more directory leaves the
    // others running: a directory between two watchers would miss what changed in it meanwhile.
    private readonly Dictionary<string, List<FileSystemWatcher>> _watchers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _changedTenantFiles = new(StringComparer.Ordinal);
    private readonly TenantFileSettler _settler;
    private readonly CertificateFileCache _certificates;
    private readonly Lock _watcherGate = new();
    private PosixSignalRegistration? _sighup;
    private ITimer? _retryTimer;
    private int _sighupReceived;
    private int _catchUpPending;
    private int _fileEventNoted;
    private int _fullReloadRequested;
    private int _rewatchRequested;
    private bool _watchedBeforeFirstLoad;
    private long _eventsNoted;
    private long _fullReloadsRequested;

    public TenantReloadService(TenantStore store, TenantFileSettler settler, CertificateFileCache certificates, IOptions<TenantsOptions> options, TimeProvider timeProvider, ILogger<TenantReloadService> logger)
    {
        _certificates = certificates;
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _settler = settler;
        _signal = new DebouncedSignal(_options.ReloadDebounce, timeProvider);
        _settler.WhenSettled(OnSettled);
    }

    /// <summary>File events seen so far: lets tests wait for the watcher instead of sleeping.</summary>
    internal long EventsNoted => Interlocked.Read(ref _eventsNoted);

    /// <summary>Full reloads asked for so far (by file events, SIGHUP, retries): lets tests see that an event caused none.</summary>
    internal long FullReloadsRequested => Interlocked.Read(ref _fullReloadsRequested);

    /// <summary>Tenant files written in place that are waiting to settle.</summary>
    internal int SettlingFiles => _settler.PendingCount;

    public override void Dispose()
    {
        _sighup?.Dispose();
        _retryTimer?.Dispose();
        _settler.WhenSettled(null);
        lock (_watcherGate)
        {
            DisposeWatchers();
        }

        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// The server's first load, with the tenants directory watched from before it lists the files: whatever changes
    /// during the load raises an event that this service handles once it runs, so no catch-up load has to list the
    /// directory again (at 1,000,000 tenants that took 10 s, and the first change after start-up waited behind it).
    /// </summary>
    public CatalogLoadResult LoadInitial()
    {
        lock (_watcherGate)
        {
            var root = Root();
            Watch(root, root);
            _watchedBeforeFirstLoad = true;
        }

        // Traced like every later load: at 1,000,000 tenants this one is most of the time to ready.
        using var activity = StartLoadActivity(TenantStore.StartUpReason, full: true);
        var result = _store.LoadInitial();
        TagOutcome(activity, result);
        return result;
    }

    /// <summary>
    /// Watchers and the SIGHUP handler are in place before start-up completes (ExecuteAsync runs in the background).
    /// After <see cref="LoadInitial"/>, only the directories of set certificates outside the tenants directory are
    /// new, and a full load follows only if one of their files changed since the first load read it. After a first
    /// load made without this service (<c>export --watch</c>), one full load closes the gap between that load and
    /// the watchers: a file written in between is not missed.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled here: the default action of SIGHUP would terminate the process.
                context.Cancel = true;
                Volatile.Write(ref _sighupReceived, 1);
                // The directory may have been replaced since it was last watched: SIGHUP is the operator's "look again".
                Volatile.Write(ref _rewatchRequested, 1);
                RequestFullReload();
            });
        }

        if (_watchedBeforeFirstLoad)
        {
            CatchUp(UpdateWatchers(force: false));
        }
        else
        {
            UpdateWatchers(force: true);
            Volatile.Write(ref _catchUpPending, 1);
            RequestFullReload();
        }

        TenantsLog.Watching(_logger, _options.ResolveDirectory());
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Once reloads have stopped, the parse cache is brought up to date for the next start.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _store.WriteParseCacheAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown ran out of time: the next start reads the files this write would have spared it.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Events that arrived during the debounce are covered by this reload.
            await _signal.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
            // The catch-up reload is named as such unless a file event arrived in time to be covered by it too.
            var catchUp = Interlocked.Exchange(ref _catchUpPending, 0) == 1 && Interlocked.Exchange(ref _fileEventNoted, 0) == 0;
            var reason = Interlocked.Exchange(ref _sighupReceived, 0) == 1 ? "SIGHUP" : catchUp ? CatchUpReason : "file change";
            var full = Interlocked.Exchange(ref _fullReloadRequested, 0) == 1;
            var rewatch = Interlocked.Exchange(ref _rewatchRequested, 0) == 1;
            var changed = _changedTenantFiles.Keys.ToList();
            foreach (var path in changed)
            {
                _changedTenantFiles.TryRemove(path, out _);
            }

            if (!full && changed.Count == 0)
            {
                continue;
            }

            using var activity = StartLoadActivity(reason, full);
            try
            {
                if (rewatch)
                {
                    // Before the load: whatever changes from here on raises an event on the new watchers.
                    UpdateWatchers(force: true);
                }

                // Only tenant files changed: look at just those instead of listing the whole directory again.
                // A full load absorbs the tenant files named meanwhile (renamed into place or settled): they are whole.
                var result = await (full ? _store.ReloadAsync(reason, null, changed, stoppingToken) : _store.ReloadAsync(reason, changed, cancellationToken: stoppingToken));
                TagOutcome(activity, result);
                CatchUp(UpdateWatchers(force: false));
                ScheduleRetry(result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop: a reload bug must not stop future reloads or serving. It is reported
                // (health Degraded, status loadErrors) and retried like an I/O error.
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                TenantsLog.ReloadFailed(_logger, reason, ex);
                ScheduleRetry(_store.RecordFailure(reason, ex));
            }
        }
    }

    /// <summary>One <see cref="PoshServerActivities.TenantsReload"/> span per load, the first one included.</summary>
    private static Activity? StartLoadActivity(string reason, bool full)
    {
        var activity = PoshServerActivities.Source.StartActivity(PoshServerActivities.TenantsReload);
        activity?.SetTag("posh.reload.reason", reason);
        activity?.SetTag("posh.reload.full", full);
        return activity;
    }

    private static void TagOutcome(Activity? activity, CatalogLoadResult result)
    {
        activity?.SetTag("posh.reload.outcome", result.HasErrors ? "rejected" : "ok");
        activity?.SetTag("posh.reload.tenants", result.Snapshot.Tenants.Count);
    }

    private void OnSettled(string path)
    {
        _changedTenantFiles.TryAdd(path, 0);
        Signal();
    }

    /// <summary>A load that met an I/O error is tried again (as a full load, watchers renewed) until one succeeds.</summary>
    private void ScheduleRetry(CatalogLoadResult result)
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        if (!result.Diagnostics.Any(d => d.Transient))
        {
            return;
        }

        TenantsLog.RetryScheduled(_logger, _options.RetryInterval.TotalSeconds);
        _retryTimer = _timeProvider.CreateTimer(_ =>
        {
            Volatile.Write(ref _rewatchRequested, 1);
            RequestFullReload();
        }, null, _options.RetryInterval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// A tenant file (top level of the tenants directory) is reloaded on its own: at once when renamed into place or
    /// deleted, after settling when written in place. The certificate sets file, a certificate a load reads, a directory
    /// above one, or a ConfigMap's <c>..data</c> flip changes what any tenant publishes and triggers a full load; any
    /// other file (a README, a backup, a key beside its certificate) triggers nothing (issue 14). Hidden plain files
    /// (editors' temporaries) are ignored: the rename that puts them in place is an event for the real name.
    /// </summary>
    private void Note(string path, bool inPlace)
    {
        Interlocked.Increment(ref _eventsNoted);
        Volatile.Write(ref _fileEventNoted, 1);
        var root = Root();
        var name = Path.GetFileName(path);
        if (string.Equals(Path.GetDirectoryName(path), root, StringComparison.Ordinal)
            && !string.Equals(name, _options.CertificateSetsFile, StringComparison.Ordinal))
        {
            if (TenantCatalogBuilder.IsTenantFileName(name, _options))
            {
                if (inPlace && _options.SettleTime > TimeSpan.Zero)
                {
                    _settler.Written(path);
                    return;
                }

                _settler.Forget(path);
                _changedTenantFiles.TryAdd(path, 0);
                Signal();
                return;
            }

            // "..data" and "..2026_12_01_..." are a ConfigMap volume's links and folders; other hidden names are temporaries.
            if (name.StartsWith('.') && !name.StartsWith("..", StringComparison.Ordinal) && !Directory.Exists(path))
            {
                return;
            }
        }

        if (!string.Equals(path, Path.Combine(root, _options.CertificateSetsFile), StringComparison.Ordinal) && !Matters(path))
        {
            // A README, a backup, a key or any file no tenant or set reads: no reload (issue 14).
            return;
        }

        RequestFullReload();
    }

    /// <summary>
    /// Whether an event outside the tenant files can change what is published: a certificate a load read (or tried to
    /// read), a set's rotation file, a directory or link above one of them (a renewal tool swapping a symlinked
    /// directory, a subdirectory renamed), or a ConfigMap/Secret volume's <c>..data</c> flip.
    /// </summary>
    private bool Matters(string path)
    {
        // Before the first load is swapped in, the sets it reads are not known yet (and a certificate may be read
        // between the event and the check): any such event is a full reload.
        if (Path.GetFileName(path).StartsWith("..", StringComparison.Ordinal) || _store.Current.Generation == 0)
        {
            return true;
        }

        // A plain file that exists is only looked up by its name; anything else (a directory, a link, a name that is gone)
        // may have held referenced files below it.
        bool below;
        try
        {
            below = !File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // This runs on the watcher's thread, where an exception would end the process: when in doubt, reload.
            return true;
        }

        if (_certificates.Knows(path, below))
        {
            return true;
        }

        var prefix = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        return SetFiles().Any(file => string.Equals(file, path, StringComparison.Ordinal) || (below && file.StartsWith(prefix, StringComparison.Ordinal)));
    }

    /// <summary>The tenants directory's own name changed in its parent: it was replaced, moved, or its link flipped.</summary>
    private void NoteDirectoryReplaced()
    {
        Interlocked.Increment(ref _eventsNoted);
        Volatile.Write(ref _fileEventNoted, 1);
        Volatile.Write(ref _rewatchRequested, 1);
        RequestFullReload();
    }

    private void RequestFullReload()
    {
        Interlocked.Increment(ref _fullReloadsRequested);
        Volatile.Write(ref _fullReloadRequested, 1);
        Signal();
    }

    private void Signal() => _signal.Signal();

    /// <summary>
    /// Watches the tenants directory (with subdirectories, for tenants' own certificates), its parent (for the
    /// directory's own name), and every directory holding a set's certificate, and returns the directories it started
    /// watching. Directories already watched keep their watchers; <paramref name="force"/> renews them all, since the
    /// same path may now be another directory.
    /// </summary>
    private List<string> UpdateWatchers(bool force)
    {
        lock (_watcherGate)
        {
            var root = Root();
            var wanted = new HashSet<string>(StringComparer.Ordinal) { root };
            foreach (var path in SetFiles())
            {
                var directory = Path.GetDirectoryName(path);
                if (directory is not null && !IsUnder(directory, root))
                {
                    wanted.Add(directory);
                }
            }

            if (force)
            {
                DisposeWatchers();
            }

            foreach (var gone in _watchers.Keys.Where(d => !wanted.Contains(d)).ToList())
            {
                Unwatch(gone);
            }

            var added = wanted.Where(d => !_watchers.ContainsKey(d)).ToList();
            foreach (var directory in added)
            {
                Watch(directory, root);
            }

            return added;
        }
    }

    /// <summary>
    /// Directories just watched were not watched when the load before read their files: if a set's file in one of
    /// them changed since that read, a full load picks the change up; otherwise the watchers have it from here.
    /// </summary>
    private void CatchUp(List<string> watchedSince)
    {
        if (watchedSince.Count == 0)
        {
            return;
        }

        var directories = watchedSince.ToHashSet(StringComparer.Ordinal);
        if (SetFiles().Any(path => Path.GetDirectoryName(path) is { } directory && directories.Contains(directory) && _certificates.ChangedSinceRead(path)))
        {
            Volatile.Write(ref _catchUpPending, 1);
            RequestFullReload();
        }
    }

    /// <summary>Every file of the current sets: their certificates and rotation's files.</summary>
    private IEnumerable<string> SetFiles() =>
        _store.Current.Sets.Values.SelectMany(set => set.Set.Certificates.Select(c => c.Path).Concat(set.Set.Rotation.WatchedFiles));

    private string Root() => Path.TrimEndingDirectorySeparator(_options.ResolveDirectory());

    /// <summary>Watches a directory and, in its parent, its name: a certificate's directory may vanish, be replaced or come back just like the tenants directory, and a watcher follows the directory, not its name (issue 14).</summary>
    private void Watch(string directory, string root)
    {
        var watchers = new List<FileSystemWatcher>(2);
        TryWatch(directory, root, watchers);
        WatchName(directory, watchers);
        _watchers[directory] = watchers;
    }

    private void Unwatch(string directory)
    {
        if (_watchers.Remove(directory, out var watchers))
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    /// <summary>Watches <paramref name="directory"/>'s parent for the directory's own name (moved away, replaced, back).</summary>
    private void WatchName(string directory, List<FileSystemWatcher> watchers)
    {
        if (Path.GetDirectoryName(directory) is not { } parent || !Directory.Exists(parent))
        {
            return;
        }

        var parentWatch = new DirectoryWatchOptions
        {
            Directory = parent,
            Filter = Path.GetFileName(directory),
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Attributes,
        };
        var watcher = DirectoryWatch.TryStart(
            parentWatch,
            _ => NoteDirectoryReplaced(),
            ex =>
            {
                TenantsLog.WatcherError(_logger, ex.Message);
                NoteDirectoryReplaced();
            },
            out var error);
        if (watcher is null)
        {
            TenantsLog.WatcherError(_logger, error!);
        }
        else
        {
            watchers.Add(watcher);
        }
    }

    private void TryWatch(string directory, string root, List<FileSystemWatcher> watchers)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var options = new DirectoryWatchOptions
        {
            Directory = directory,
            IncludeSubdirectories = string.Equals(directory, root, StringComparison.Ordinal),
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName | NotifyFilters.CreationTime,
            InternalBufferSize = 64 * 1024,
        };
        var watcher = DirectoryWatch.TryStart(options, OnChange, OnWatcherError, out var error);
        if (watcher is null)
        {
            // Gone or unreadable between the check and the watch: the retry after the failed load watches again.
            TenantsLog.WatcherError(_logger, error!);
            return;
        }

        watchers.Add(watcher);
    }

    private void OnChange(FileChange change)
    {
        switch (change.Kind)
        {
            case FileChangeKind.Changed or FileChangeKind.Created:
                Note(change.Path, inPlace: true);
                break;
            case FileChangeKind.Deleted:
                Note(change.Path, inPlace: false);
                break;
            default:
                Note(change.OldPath!, inPlace: false);
                Note(change.Path, inPlace: false);
                break;
        }
    }

    private void OnWatcherError(Exception ex)
    {
        TenantsLog.WatcherError(_logger, ex.Message);
        Volatile.Write(ref _rewatchRequested, 1);
        RequestFullReload();
    }

    private static bool IsUnder(string directory, string root) =>
        (Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private void DisposeWatchers()
    {
        foreach (var directory in _watchers.Keys.ToList())
        {
            Unwatch(directory);
        }
    }
}
