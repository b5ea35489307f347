using Microsoft.Extensions.Logging;

namespace PoshServer.Export;

/// <summary>Static export log messages, event ids 1500–1549 (1600–1649 are the cluster store's).</summary>
internal static partial class ExportLog
{
    [LoggerMessage(1500, LogLevel.Information, "Exported generation {Generation}: {FileCount} files for {HostCount} hosts to {Directory}; current -> {Version} ({Pruned} old version(s) removed)", EventName = "ExportCompleted")]
    public static partial void Exported(ILogger logger, long generation, int fileCount, int hostCount, string directory, string version, int pruned);

    [LoggerMessage(1501, LogLevel.Error, "Export of generation {Generation} to {Directory} failed; the previous export keeps serving", EventName = "ExportFailed")]
    public static partial void ExportFailed(ILogger logger, long generation, string directory, Exception exception);

    [LoggerMessage(1502, LogLevel.Information, "Watching the tenants for changes; every new snapshot is exported to {Directory}", EventName = "ExportWatching")]
    public static partial void Watching(ILogger logger, string directory);

    [LoggerMessage(1503, LogLevel.Warning, "Generation {Generation} keeps {ErrorCount} rejected file(s) at their last good version; exporting what the server would serve", EventName = "ExportWithRejectedFiles")]
    public static partial void ExportingWithRejectedFiles(ILogger logger, long generation, int errorCount);
}
