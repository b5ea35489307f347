using Microsoft.Extensions.Logging;

namespace PoshClient.Xmpp;

/// <summary>
/// Logging of the XMPP connector, event ids 1300–1399. A failed connection or a rejected certificate is Debug: the
/// caller has the reason in <see cref="XmppConnectResult"/> and logs it once in its own terms (issue 14: a failed
/// tenant check was logged four times).
/// </summary>
internal static partial class XmppLog
{
    [LoggerMessage(1300, LogLevel.Debug, "Connecting to {Domain} ({Service})", EventName = "ConnectStarting")]
    public static partial void ConnectStarting(this ILogger logger, string domain, string service);

    [LoggerMessage(1301, LogLevel.Debug, "Attempt at {Endpoint} ({Address}) failed: {Error}", EventName = "AttemptFailed")]
    public static partial void AttemptFailed(this ILogger logger, string endpoint, string? address, string? error);

    [LoggerMessage(1302, LogLevel.Information, "Connected to {Domain} at {Endpoint} ({Address}); certificate accepted by {ProofType}", EventName = "Connected")]
    public static partial void Connected(this ILogger logger, string domain, string endpoint, string? address, CertificateProofType proofType);

    [LoggerMessage(1303, LogLevel.Debug, "Could not connect to {Domain}: {Reason}", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(this ILogger logger, string domain, string reason);

    [LoggerMessage(1304, LogLevel.Debug, "Certificate {Sha256} for {Domain} rejected: {Reason}", EventName = "CertificateRejected")]
    public static partial void CertificateRejected(this ILogger logger, string domain, string? sha256, string reason);
}
