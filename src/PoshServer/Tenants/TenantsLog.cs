using Microsoft.Extensions.Logging;

namespace PoshServer.Tenants;

/// <summary>
/// Tenant loading and reload log messages, event ids 100–199. Ids 1–8 of earlier versions became 100–107 (issue 14:
/// they collided with HttpsLog's).
/// </summary>
internal static partial class TenantsLog
{
    [LoggerMessage(100, LogLevel.Information, "Loaded {TenantCount} tenants and {SetCount} certificate sets from {Directory} (generation {Generation}, {Reason})", EventName = "TenantsLoaded")]
    public static partial void Loaded(ILogger logger, int tenantCount, int setCount, string directory, long generation, string reason);

    [LoggerMessage(101, LogLevel.Error, "Tenant reload ({Reason}) rejected {ErrorCount} problem(s); the last good version of each rejected file keeps serving", EventName = "TenantReloadRejected")]
    public static partial void ReloadRejected(ILogger logger, string reason, int errorCount);

    [LoggerMessage(102, LogLevel.Error, "{File}:{Line}:{Column}: {Problem}. Fix: {Fix}", EventName = "TenantFileError")]
    public static partial void DiagnosticError(ILogger logger, string file, int line, int column, string problem, string fix);

    [LoggerMessage(103, LogLevel.Warning, "{File}:{Line}:{Column}: {Problem}. Fix: {Fix}", EventName = "TenantFileWarning")]
    public static partial void DiagnosticWarning(ILogger logger, string file, int line, int column, string problem, string fix);

    [LoggerMessage(104, LogLevel.Error, "Tenant reload ({Reason}) failed unexpectedly; the current tenants keep serving", EventName = "TenantReloadFailed")]
    public static partial void ReloadFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(105, LogLevel.Information, "Watching {Directory} for tenant and certificate changes; send SIGHUP to reload on demand", EventName = "TenantsWatching")]
    public static partial void Watching(ILogger logger, string directory);

    [LoggerMessage(106, LogLevel.Warning, "File watcher error ({Message}); falling back to a full reload", EventName = "TenantWatcherError")]
    public static partial void WatcherError(ILogger logger, string message);

    [LoggerMessage(107, LogLevel.Debug, "Tenant load took {TotalMs:0} ms: list {EnumerateMs:0}, read and parse {ParseMs:0}, order {OrderMs:0}, resolve {ResolveMs:0}; of it, {YieldedMs:0} ms yielded to requests", EventName = "TenantLoadTimings")]
    public static partial void LoadTimings(ILogger logger, double totalMs, double enumerateMs, double parseMs, double orderMs, double resolveMs, double yieldedMs);

    [LoggerMessage(108, LogLevel.Information, "Withdrew {Count} tenant(s) ({Reason}): {Domains}{More}; their documents now answer 404", EventName = "TenantsWithdrawn")]
    public static partial void Withdrawn(ILogger logger, int count, string reason, string domains, string more);

    [LoggerMessage(110, LogLevel.Warning, "Tenant load met an I/O error; every tenant keeps serving its last good version, and the load is retried in {Seconds} s", EventName = "TenantLoadRetryScheduled")]
    public static partial void RetryScheduled(ILogger logger, double seconds);

    [LoggerMessage(111, LogLevel.Debug, "Collected the garbage of a full load in {PauseMs:0} ms; managed heap {HeapMb:0.0} MB", EventName = "LoadGarbageCollected")]
    public static partial void LoadGarbageCollected(ILogger logger, double pauseMs, double heapMb);

    [LoggerMessage(112, LogLevel.Information, "Took the parse results of {Count} tenant files from {Path} ({Ms:0} ms); files changed since they were written are read again", EventName = "TenantParseCacheRead")]
    public static partial void ParseCacheRead(ILogger logger, int count, string path, double ms);

    [LoggerMessage(113, LogLevel.Information, "Not using the tenant parse cache {Path}: {Reason}; every tenant file is read", EventName = "TenantParseCacheUnused")]
    public static partial void ParseCacheUnused(ILogger logger, string path, string reason);

    [LoggerMessage(114, LogLevel.Debug, "Wrote the parse results of {Count} tenant files to {Path} ({Ms:0} ms)", EventName = "TenantParseCacheWritten")]
    public static partial void ParseCacheWritten(ILogger logger, int count, string path, double ms);

    [LoggerMessage(115, LogLevel.Warning, "Cannot write the tenant parse cache {Path} ({Message}); the next start reads every tenant file. Fix: make its directory writable by the service user, or set Tenants:ParseCacheFile elsewhere (empty turns it off)", EventName = "TenantParseCacheWriteFailed")]
    public static partial void ParseCacheWriteFailed(ILogger logger, string path, string message);
}
