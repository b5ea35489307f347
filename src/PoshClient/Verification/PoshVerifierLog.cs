using Microsoft.Extensions.Logging;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>Log events of POSH retrieval and verification, event ids 1100–1199.</summary>
internal static partial class PoshVerifierLog
{
    [LoggerMessage(1100, LogLevel.Debug, "POSH lookup for {Domain} ({Service}) ended {Status}: {Reason}", EventName = "PoshLookupCompleted")]
    public static partial void LookupCompleted(ILogger logger, string domain, string service, PoshLookupStatus status, string reason);

    [LoggerMessage(1101, LogLevel.Debug, "Certificate accepted by POSH for {Domain} ({Service}): {Reason}", EventName = "PoshVerified")]
    public static partial void Verified(ILogger logger, string domain, string service, string reason);

    [LoggerMessage(1102, LogLevel.Debug, "No usable POSH material for {Domain} ({Service}), outcome {Outcome}: {Reason}", EventName = "PoshNoMaterial")]
    public static partial void NoMaterial(ILogger logger, string domain, string service, PoshVerificationOutcome outcome, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "Certificate rejected by POSH for {Domain} ({Service}), outcome {Outcome}: {Reason}", EventName = "PoshRejected")]
    public static partial void Rejected(ILogger logger, string domain, string service, PoshVerificationOutcome outcome, string reason);

    [LoggerMessage(1104, LogLevel.Information, "Cached POSH material for {Domain} ({Service}) does not match the presented certificate; refetching once", EventName = "PoshRefetchAfterMismatch")]
    public static partial void RefetchAfterMismatch(ILogger logger, string domain, string service);

    [LoggerMessage(1105, LogLevel.Warning, "The POSH cache reached {MaxEntries} entries with none expired; it was emptied", EventName = "PoshCacheFull")]
    public static partial void CacheFull(ILogger logger, int maxEntries);

    [LoggerMessage(1106, LogLevel.Error, "POSH prefetch for {Domain} ({Service}) failed unexpectedly", EventName = "PoshPrefetchFailed")]
    public static partial void PrefetchFailed(ILogger logger, string domain, string service, Exception exception);

    [LoggerMessage(1107, LogLevel.Information, "Reported the failed POSH verification of {Domain} to {Url}: HTTP {Status}", EventName = "PoshFailureReportSent")]
    public static partial void FailureReportSent(ILogger logger, string domain, string url, int status);

    [LoggerMessage(1108, LogLevel.Warning, "Could not report the failed POSH verification of {Domain} to {Url}: {Message}", EventName = "PoshFailureReportFailed")]
    public static partial void FailureReportFailed(ILogger logger, string domain, string url, string message);

    [LoggerMessage(1109, LogLevel.Warning, "Failure report queue full; the report for {Domain} was dropped", EventName = "PoshFailureReportDropped")]
    public static partial void FailureReportDropped(ILogger logger, string domain);
}
