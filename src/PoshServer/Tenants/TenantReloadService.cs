using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoshServer.Tenants;

/// <summary>
/// Reloads tenants when files change (tenant files, the certificate sets file, certificate files wherever they live)
/// and on SIGHUP. Events are debounced: editors and config management write through temp files and renames, which
/// arrive as bursts of events. A reload never interrupts serving: the old snapshot serves until the new one is swapped in.
/// </summary>
internal sealed class TenantReloadService : BackgroundService
{
    private readonly TenantStore _store;
    private readonly TenantsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TenantReloadService> _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly List<FileSystemWatcher> _watchers = [];
    private HashSet<string> _watchedDirectories = new(StringComparer.Ordinal);
    private PosixSignalRegistration? _sighup;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _changedTenantFiles = new(StringComparer.Ordinal);
    private int _sighupReceived;
    private int _fullReloadRequested;

    public TenantReloadService(TenantStore store, IOptions<TenantsOptions> options, TimeProvider timeProvider, ILogger<TenantReloadService> logger)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public override void Dispose()
    {
        _sighup?.Dispose();
        DisposeWatchers();
        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Watchers and the SIGHUP handler are in place before start-up completes (ExecuteAsync runs in the background),
    /// and one reload closes the gap between the initial load and the watchers: a file written in between is not missed.
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
                RequestFullReload();
            });
        }

        UpdateWatchers();
        TenantsLog.Watching(_logger, _options.ResolveDirectory());
        RequestFullReload();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _signal.WaitAsync(stoppingToken);
            if (_options.ReloadDebounce > TimeSpan.Zero)
            {
                await Task.Delay(_options.ReloadDebounce, _timeProvider, stoppingToken);
            }

            // Events that arrived during the debounce are covered by this reload.
            _signal.Wait(0, CancellationToken.None);
            var reason = Interlocked.Exchange(ref _sighupReceived, 0) == 1 ? "SIGHUP" : "file change";
            var full = Interlocked.Exchange(ref _fullReloadRequested, 0) == 1;
            var changed = _changedTenantFiles.Keys.ToList();
            foreach (var path in changed)
            {
                _changedTenantFiles.TryRemove(path, out _);
            }

            if (!full && changed.Count == 0)
            {
                continue;
            }

            try
            {
                // Only tenant files changed: look at just those instead of listing the whole directory again.
                _store.Reload(reason, full ? null : changed);
                UpdateWatchers();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Top of the background loop: a reload bug must not stop future reloads or serving.
                TenantsLog.ReloadFailed(_logger, reason, ex);
            }
        }
    }

    /// <summary>
    /// A tenant file (top level of the tenants directory) is reloaded on its own; anything else — the certificate
    /// sets file, certificates, subdirectories — changes what every tenant publishes and triggers a full reload.
    /// Hidden files (editors' temporaries) are ignored: the rename that puts them in place is an event for the real name.
    /// </summary>
    private void Note(string path)
    {
        var root = _options.ResolveDirectory();
        var name = Path.GetFileName(path);
        if (string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal)
            && !string.Equals(name, _options.CertificateSetsFile, StringComparison.Ordinal))
        {
            if (TenantCatalogBuilder.IsTenantFileName(name, _options))
            {
                _changedTenantFiles.TryAdd(path, 0);
                Signal();
                return;
            }

            if (name.StartsWith('.'))
            {
                return;
            }
        }

        RequestFullReload();
    }

    private void RequestFullReload()
    {
        Volatile.Write(ref _fullReloadRequested, 1);
        Signal();
    }

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already pending; it will see this change too.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    /// <summary>Watches the tenants directory (with subdirectories, for tenants' own certificates) and every directory holding a set's certificate.</summary>
    private void UpdateWatchers()
    {
        var root = _options.ResolveDirectory();
        var wanted = new HashSet<string>(StringComparer.Ordinal) { root };
        foreach (var set in _store.Current.Sets.Values)
        {
            foreach (var path in set.Set.Certificates.Select(c => c.Path).Concat(set.Set.Rotation.WatchedFiles))
            {
                var directory = Path.GetDirectoryName(path);
                if (directory is not null && !IsUnder(directory, root))
                {
                    wanted.Add(directory);
                }
            }
        }

        if (wanted.SetEquals(_watchedDirectories))
        {
            return;
        }

        DisposeWatchers();
        foreach (var directory in wanted.Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = string.Equals(directory, root, StringComparison.Ordinal),
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName | NotifyFilters.CreationTime,
                InternalBufferSize = 64 * 1024,
            };
            watcher.Changed += (_, e) => Note(e.FullPath);
            watcher.Created += (_, e) => Note(e.FullPath);
            watcher.Deleted += (_, e) => Note(e.FullPath);
            watcher.Renamed += (_, e) =>
            {
                Note(e.OldFullPath);
                Note(e.FullPath);
            };
            watcher.Error += (_, e) =>
            {
                TenantsLog.WatcherError(_logger, e.GetException().Message);
                RequestFullReload();
            };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }

        _watchedDirectories = wanted;
    }

    private static bool IsUnder(string directory, string root) =>
        (Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar).StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
        _watchedDirectories = new HashSet<string>(StringComparer.Ordinal);
    }
}
