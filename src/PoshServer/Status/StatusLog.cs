using Microsoft.Extensions.Logging;

namespace PoshServer.Status;

internal static partial class StatusLog
{
    [LoggerMessage(800, LogLevel.Information, "Admin listener (status page, /api/status, /metrics) on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(801, LogLevel.Error, "The admin listener cannot listen on {Address}: {Message}; POSH serving continues without status page and metrics")]
    public static partial void ListenFailed(ILogger logger, string address, string message);
}
