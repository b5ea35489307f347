using Microsoft.Extensions.Logging;

namespace PoshServer.Status;

/// <summary>Admin listener (status page, status API, metrics) log messages, event ids 800–899.</summary>
internal static partial class StatusLog
{
    [LoggerMessage(800, LogLevel.Information, "Admin listener (status page, /api/status, /metrics) on {Address}", EventName = "AdminListening")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(801, LogLevel.Error, "The admin listener cannot listen on {Address}: {Message}; POSH serving continues without status page and metrics", EventName = "AdminListenFailed")]
    public static partial void ListenFailed(ILogger logger, string address, string message);
}
