using Microsoft.Extensions.Logging;

namespace PoshServer.FailureReports;

/// <summary>Failure report log messages, event ids 900–999.</summary>
internal static partial class FailureReportsLog
{
    [LoggerMessage(900, LogLevel.Warning, "Failure report for {Domain} ({Service}): {Outcome} from {Reporter}; presented sha-256 {Presented} (published: {Published}): {Reason}", EventName = "FailureReportReceived")]
    public static partial void Received(ILogger logger, string domain, string service, string outcome, string reporter, string presented, bool? published, string reason);
}
