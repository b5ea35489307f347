using Microsoft.Extensions.Logging;

namespace PoshServer.Tenants;

internal static partial class TenantsLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded {TenantCount} tenants and {SetCount} certificate sets from {Directory} (generation {Generation}, {Reason})")]
    public static partial void Loaded(ILogger logger, int tenantCount, int setCount, string directory, long generation, string reason);

    [LoggerMessage(2, LogLevel.Error, "Tenant reload ({Reason}) rejected {ErrorCount} problem(s); the last good version of each rejected file keeps serving")]
    public static partial void ReloadRejected(ILogger logger, string reason, int errorCount);

    [LoggerMessage(3, LogLevel.Error, "{Diagnostic}")]
    public static partial void DiagnosticError(ILogger logger, string diagnostic);

    [LoggerMessage(4, LogLevel.Warning, "{Diagnostic}")]
    public static partial void DiagnosticWarning(ILogger logger, string diagnostic);

    [LoggerMessage(5, LogLevel.Error, "Tenant reload ({Reason}) failed unexpectedly; the current tenants keep serving")]
    public static partial void ReloadFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Watching {Directory} for tenant and certificate changes; send SIGHUP to reload on demand")]
    public static partial void Watching(ILogger logger, string directory);

    [LoggerMessage(8, LogLevel.Debug, "Tenant load took {TotalMs:0} ms: list {EnumerateMs:0}, read and parse {ParseMs:0}, order {OrderMs:0}, resolve {ResolveMs:0}")]
    public static partial void LoadTimings(ILogger logger, double totalMs, double enumerateMs, double parseMs, double orderMs, double resolveMs);

    [LoggerMessage(7, LogLevel.Warning, "File watcher error ({Message}); falling back to a full reload")]
    public static partial void WatcherError(ILogger logger, string message);

    [LoggerMessage(110, LogLevel.Warning, "Tenant load met an I/O error; every tenant keeps serving its last good version, and the load is retried in {Seconds} s")]
    public static partial void RetryScheduled(ILogger logger, double seconds);

    [LoggerMessage(111, LogLevel.Debug, "Collected the garbage of a full load in {PauseMs:0} ms; managed heap {HeapMb:0.0} MB", EventName = "LoadGarbageCollected")]
    public static partial void LoadGarbageCollected(ILogger logger, double pauseMs, double heapMb);
}
