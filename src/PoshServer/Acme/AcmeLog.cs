namespace PoshServer.Acme;

/// <summary>ACME log messages, event ids 400–499. Never logs keys or certificates, only names, URLs and thumbprints.</summary>
internal static partial class AcmeLog
{
    [LoggerMessage(400, LogLevel.Information, "ACME account {AccountUrl} ready (newly created: {Created})", EventName = "AccountReady")]
    public static partial void AccountReady(this ILogger logger, Uri accountUrl, bool created);

    [LoggerMessage(401, LogLevel.Warning, "The CA no longer knows ACME account {AccountUrl}; registering the stored key again", EventName = "AccountForgotten")]
    public static partial void AccountForgotten(this ILogger logger, Uri accountUrl);

    [LoggerMessage(402, LogLevel.Debug, "badNonce from {Url}; retry {Attempt} with a fresh nonce", EventName = "BadNonceRetry")]
    public static partial void BadNonceRetry(this ILogger logger, Uri url, int attempt);

    [LoggerMessage(403, LogLevel.Information, "Ordered a certificate for {HostName}: {OrderUrl}", EventName = "OrderCreated")]
    public static partial void OrderCreated(this ILogger logger, string hostName, Uri orderUrl);

    [LoggerMessage(404, LogLevel.Information, "Resuming order {OrderUrl} for {HostName} (status {Status})", EventName = "OrderResumed")]
    public static partial void OrderResumed(this ILogger logger, string hostName, Uri orderUrl, string status);

    [LoggerMessage(405, LogLevel.Debug, "Asked the CA to validate http-01 for {HostName}: {ChallengeUrl}", EventName = "ChallengeTriggered")]
    public static partial void ChallengeTriggered(this ILogger logger, string hostName, Uri challengeUrl);

    [LoggerMessage(406, LogLevel.Information, "Installed a new certificate for {HostName}: sha-256 {Sha256}, valid until {NotAfter:u}, renewal from {RenewAt:u}", EventName = "CertificateIssued")]
    public static partial void CertificateIssued(this ILogger logger, string hostName, string sha256, DateTimeOffset notAfter, DateTimeOffset renewAt);

    [LoggerMessage(407, LogLevel.Warning, "Certificate for {HostName} failed ({FailureCount} in a row): {Problem}; next attempt at {NextAttempt:u}", EventName = "IssuanceFailed")]
    public static partial void IssuanceFailed(this ILogger logger, string hostName, int failureCount, string problem, DateTimeOffset nextAttempt);

    [LoggerMessage(408, LogLevel.Warning, "The CA rate-limited {HostName}: {Problem}; next attempt at {NextAttempt:u}", EventName = "RateLimited")]
    public static partial void RateLimited(this ILogger logger, string hostName, string problem, DateTimeOffset nextAttempt);

    [LoggerMessage(409, LogLevel.Warning, "Pre-flight for {HostName} failed, not ordering: {Reason}; next attempt at {NextAttempt:u}", EventName = "PreflightFailed")]
    public static partial void PreflightFailed(this ILogger logger, string hostName, string reason, DateTimeOffset nextAttempt);

    [LoggerMessage(410, LogLevel.Information, "Serving the stored certificate for {HostName}: sha-256 {Sha256}, valid until {NotAfter:u}", EventName = "CertificateLoaded")]
    public static partial void CertificateLoaded(this ILogger logger, string hostName, string sha256, DateTimeOffset notAfter);

    [LoggerMessage(411, LogLevel.Warning, "The stored certificate for {HostName} is unreadable; it will be issued again", EventName = "CertificateUnreadable")]
    public static partial void CertificateUnreadable(this ILogger logger, string hostName, Exception exception);

    [LoggerMessage(412, LogLevel.Information, "{HostName} is no longer configured for ACME: no longer served or renewed (its files are kept)", EventName = "NameRemoved")]
    public static partial void NameRemoved(this ILogger logger, string hostName);

    [LoggerMessage(413, LogLevel.Error, "The ACME renewal loop failed; retrying in {Delay}", EventName = "RenewalLoopFailed")]
    public static partial void RenewalLoopFailed(this ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(414, LogLevel.Information, "Removed {Count} temp files left by an interrupted write", EventName = "StaleTempFilesRemoved")]
    public static partial void StaleTempFilesRemoved(this ILogger logger, int count);

    [LoggerMessage(415, LogLevel.Debug, "Answered http-01 token {Token} for {Host}", EventName = "ChallengeAnswered")]
    public static partial void ChallengeAnswered(this ILogger logger, string token, string host);

    [LoggerMessage(416, LogLevel.Information, "ACME is disabled (Acme:Enabled is false)", EventName = "AcmeDisabled")]
    public static partial void AcmeDisabled(this ILogger logger);

    [LoggerMessage(417, LogLevel.Debug, "ACME cycle done: {Due} names processed, next look in {Delay}", EventName = "CycleCompleted")]
    public static partial void CycleCompleted(this ILogger logger, int due, TimeSpan delay);

    [LoggerMessage(418, LogLevel.Warning, "Found the order {OrderUrl} for {HostName} in the account's orders list (a previous attempt was interrupted before recording it); resuming it", EventName = "OrderRecovered")]
    public static partial void OrderRecovered(this ILogger logger, string hostName, Uri orderUrl);

    [LoggerMessage(419, LogLevel.Warning, "The CA offers no orders list to look for an interrupted order for {HostName}: {Problem}; ordering again", EventName = "OrdersListUnavailable")]
    public static partial void OrdersListUnavailable(this ILogger logger, string hostName, string problem);

    [LoggerMessage(420, LogLevel.Debug, "{HostName} is being issued by another replica; not ordering here", EventName = "NameLockedElsewhere")]
    public static partial void NameLockedElsewhere(this ILogger logger, string hostName);

    [LoggerMessage(421, LogLevel.Information, "Serving the certificate another replica obtained for {HostName}: sha-256 {Sha256}", EventName = "CertificateFromPeer")]
    public static partial void CertificateFromPeer(this ILogger logger, string hostName, string sha256);

    [LoggerMessage(422, LogLevel.Warning, "The cluster store is unavailable; {HostName} waits for it: {Reason}", EventName = "StoreUnavailable")]
    public static partial void StoreUnavailable(this ILogger logger, string hostName, string reason);

    [LoggerMessage(423, LogLevel.Error, "Installing the certificates other replicas obtained failed; looking again in {Delay}", EventName = "SyncLoopFailed")]
    public static partial void SyncLoopFailed(this ILogger logger, TimeSpan delay, Exception exception);
}
