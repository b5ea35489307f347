using Microsoft.Extensions.Logging;

namespace PoshServer.Export;

internal static partial class ExportLog
{
    [LoggerMessage(1500, LogLevel.Information, "Exported generation {Generation}: {FileCount} files for {HostCount} hosts to {Directory}; current -> {Version} ({Pruned} old version(s) removed)")]
    public static partial void Exported(ILogger logger, long generation, int fileCount, int hostCount, string directory, string version, int pruned);

    [LoggerMessage(1501, LogLevel.Error, "Export of generation {Generation} to {Directory} failed; the previous export keeps serving")]
    public static partial void ExportFailed(ILogger logger, long generation, string directory, Exception exception);

    [LoggerMessage(1502, LogLevel.Information, "Watching the tenants for changes; every new snapshot is exported to {Directory}")]
    public static partial void Watching(ILogger logger, string directory);

    [LoggerMessage(1503, LogLevel.Warning, "Generation {Generation} keeps {ErrorCount} rejected file(s) at their last good version; exporting what the server would serve")]
    public static partial void ExportingWithRejectedFiles(ILogger logger, long generation, int errorCount);
}
