using Microsoft.Extensions.Logging;

namespace PoshServer.FailureReports;

internal static partial class FailureReportsLog
{
    [LoggerMessage(900, LogLevel.Warning, "Failure report for {Domain} ({Service}): {Outcome} from {Reporter}; presented sha-256 {Presented} (published: {Published}): {Reason}")]
    public static partial void Received(ILogger logger, string domain, string service, string outcome, string reporter, string presented, bool? published, string reason);
}
