using Microsoft.Extensions.Logging;

namespace PoshServer.Health;

/// <summary>Health state change log messages, event ids 300–399.</summary>
internal static partial class HealthLog
{
    [LoggerMessage(350, LogLevel.Information, "Health check {Name} is {Status} (was {Previous}): {Description}", EventName = "HealthRecovered")]
    public static partial void Recovered(ILogger logger, string name, string status, string previous, string? description);

    [LoggerMessage(351, LogLevel.Warning, "Health check {Name} is {Status} (was {Previous}): {Description}", EventName = "HealthChanged")]
    public static partial void Changed(ILogger logger, string name, string status, string previous, string? description, Exception? exception);
}
