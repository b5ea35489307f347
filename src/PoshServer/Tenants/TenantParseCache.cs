using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PoshServer.Tenants;

/// <summary>
/// Keeps the tenant files' parse results across restarts (<see cref="TenantsOptions.ParseCacheFile"/>, issue 9): at
/// 100,000 tenants reading and parsing every file is most of the start-up, and on a restart almost none changed.
/// The first load takes the remembered results and still lists the directory: a file whose size or modification
/// time differs from the remembered one, a new file and a removed one are handled as without a cache, so the cache
/// changes how fast the first load is, never what it loads.
/// </summary>
internal sealed class TenantParseCache
{
    /// <summary>
    /// Results of files modified this close to the write are left out: a file rewritten within the file system's
    /// timestamp granularity keeps its stamp, and once the server has stopped no watcher would say it changed.
    /// </summary>
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly TenantsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TenantParseCache> _logger;
    private readonly ReloadPacer? _pacer;
    private readonly string? _path;
    private readonly string _fingerprint;
    private long _writtenVersion = -1;
    private string? _lastWriteProblem;

    public TenantParseCache(IOptions<TenantsOptions> options, TimeProvider timeProvider, ILogger<TenantParseCache> logger, ReloadPacer? pacer = null)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _pacer = pacer;
        _path = string.IsNullOrEmpty(_options.ParseCacheFile) ? null : Path.GetFullPath(_options.ParseCacheFile);
        _fingerprint = ParseCacheFile.Fingerprint(_options);
    }

    /// <summary>Gives <paramref name="reader"/> the results an earlier run wrote, if they are for this build and these settings.</summary>
    public void Restore(TenantFileReader reader)
    {
        if (_path is null)
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        List<RememberedTenantFile>? files;
        string? problem;
        try
        {
            files = ParseCacheFile.Read(_path, _fingerprint, _options, out problem);
        }
        catch (Exception ex)
        {
            // A cache is never a reason not to start: without it the load reads every file.
            (files, problem) = (null, $"it cannot be read: {ex.GetType().Name}: {ex.Message}");
        }

        if (files is null)
        {
            TenantsLog.ParseCacheUnused(_logger, _path, problem!);
            return;
        }

        reader.Remember(files);
        _writtenVersion = reader.Version;
        TenantsLog.ParseCacheRead(_logger, files.Count, _path, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Writes what <paramref name="reader"/> remembers, unless nothing changed since the last write. Runs on the load
    /// thread while the server serves, so it paces itself like a reload. Never throws (nothing on the load thread
    /// would observe it): a cache that cannot be written only makes the next start slower, which the warning says.
    /// </summary>
    public void Write(TenantFileReader reader)
    {
        var version = reader.Version;
        if (_path is null || version == _writtenVersion)
        {
            return;
        }

        var started = _timeProvider.GetTimestamp();
        var before = _timeProvider.GetUtcNow().UtcDateTime - RacyWindow;
        var files = reader.Remembered().Where(f => f.Stamp.Written < before && !f.Parsed.Transient);
        try
        {
            _pacer?.Begin();
            var count = ParseCacheFile.Write(_path, _fingerprint, _options, files, _pacer is { } pacer ? pacer.Step : null);
            _writtenVersion = version;
            _lastWriteProblem = null;
            TenantsLog.ParseCacheWritten(_logger, count, _path, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            // Said once per distinct problem, not after every full load.
            var message = ex is IOException or UnauthorizedAccessException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            if (!string.Equals(_lastWriteProblem, message, StringComparison.Ordinal))
            {
                _lastWriteProblem = message;
                TenantsLog.ParseCacheWriteFailed(_logger, _path, message);
            }
        }
    }
}
