using Microsoft.Extensions.Logging;

namespace PoshServer.Rotation;

/// <summary>Certificate rotation log messages, event ids 600–699.</summary>
internal static partial class RotationLog
{
    [LoggerMessage(600, LogLevel.Information, "Certificate set {Set}: new certificate {Subject} (sha-256 {Sha256}) published; safe to deploy at {SafeAt:u}", EventName = "RotationNextPublished")]
    public static partial void NextPublished(ILogger logger, string set, string subject, string sha256, DateTimeOffset safeAt);

    [LoggerMessage(601, LogLevel.Information, "Certificate set {Set}: switching to {Sha256}: {Message}", EventName = "RotationSwitchSucceeded")]
    public static partial void SwitchSucceeded(ILogger logger, string set, string sha256, string message);

    [LoggerMessage(602, LogLevel.Error, "Certificate set {Set}: switching to {Sha256} failed: {Message}", EventName = "RotationSwitchFailed")]
    public static partial void SwitchFailed(ILogger logger, string set, string sha256, string message);

    [LoggerMessage(603, LogLevel.Information, "Certificate set {Set}: certificate {Sha256} retired (caches drained or expired)", EventName = "RotationRetired")]
    public static partial void Retired(ILogger logger, string set, string sha256);

    [LoggerMessage(604, LogLevel.Warning, "Rotation state {Path} cannot be read ({Message}); starting with an empty state", EventName = "RotationStateUnreadable")]
    public static partial void StateUnreadable(ILogger logger, string path, string message);

    [LoggerMessage(605, LogLevel.Error, "Rotation evaluation failed unexpectedly; retrying later", EventName = "RotationEvaluationFailed")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception);

    [LoggerMessage(606, LogLevel.Warning, "Certificate set {Set}: {Note}", EventName = "RotationAttention")]
    public static partial void Attention(ILogger logger, string set, string note);

    [LoggerMessage(607, LogLevel.Error, "Rotation state {Path} cannot be written: {Message}", EventName = "RotationStateNotSaved")]
    public static partial void StateNotSaved(ILogger logger, string path, string message);

    [LoggerMessage(608, LogLevel.Warning, "Rotation cannot reach the cluster store ({Message}); publishing what this replica knows, deciding nothing until it answers", EventName = "RotationStoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, string message);

    [LoggerMessage(609, LogLevel.Information, "Certificate set {Set}: another replica holds the switch to {Sha256}; its outcome arrives through the cluster store", EventName = "RotationSwitchElsewhere")]
    public static partial void SwitchElsewhere(ILogger logger, string set, string sha256);

    [LoggerMessage(610, LogLevel.Information, "Certificate set {Set}: the switch to {Sha256} is no longer due under the switch lease (another replica did it)", EventName = "RotationSwitchAlreadyDone")]
    public static partial void SwitchAlreadyDone(ILogger logger, string set, string sha256);

    [LoggerMessage(611, LogLevel.Error, "Certificate set {Set}: the switch to {Sha256} ran but its outcome could not be recorded: {Message}", EventName = "RotationSwitchNotRecorded")]
    public static partial void SwitchNotRecorded(ILogger logger, string set, string sha256, string message);
}
