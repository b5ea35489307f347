using Microsoft.Extensions.Logging;

namespace PoshServer.TenantChecks;

internal static partial class TenantChecksLog
{
    [LoggerMessage(700, LogLevel.Information, "Tenant checks: {Passed} of {Count} tenants pass, {Warned} warn, {Failed} fail")]
    public static partial void RoundCompleted(ILogger logger, int count, int passed, int warned, int failed);

    [LoggerMessage(701, LogLevel.Warning, "Tenant {Domain} fails its set-up check: {Reason}")]
    public static partial void TenantFailed(ILogger logger, string domain, string reason);

    [LoggerMessage(702, LogLevel.Error, "Tenant check round failed unexpectedly; retrying at the next interval")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(703, LogLevel.Debug, "Tenant checks: another replica holds the round lease; its results arrive through the cluster store")]
    public static partial void RoundElsewhere(ILogger logger);

    [LoggerMessage(704, LogLevel.Warning, "Tenant checks cannot reach the cluster store ({Message}); showing the verdicts this replica has")]
    public static partial void StoreUnavailable(ILogger logger, string message);
}
