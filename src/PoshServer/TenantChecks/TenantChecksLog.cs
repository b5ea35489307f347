using Microsoft.Extensions.Logging;

namespace PoshServer.TenantChecks;

/// <summary>
/// Tenant set-up check log messages, event ids 700–799. A tenant is logged when its verdict changes, not every round
/// (issue 14); the full findings are in <c>tenants check</c> and the status page.
/// </summary>
internal static partial class TenantChecksLog
{
    /// <summary>Information when a verdict changed in the round, Debug otherwise.</summary>
    [LoggerMessage(EventId = 700, Message = "Tenant checks: {Passed} of {Count} tenants pass, {Warned} warn, {Failed} fail; {Changed} verdict(s) changed", EventName = "TenantCheckRoundCompleted")]
    public static partial void RoundCompleted(ILogger logger, LogLevel level, int count, int passed, int warned, int failed, int changed);

    [LoggerMessage(701, LogLevel.Warning, "Tenant {Domain} now {Verdict} (was {Previous}): {Service} {Area}: {Finding} (+{Others} more; see tenants check {Domain})", EventName = "TenantCheckVerdictChanged")]
    public static partial void VerdictChanged(ILogger logger, string domain, CheckVerdict verdict, string previous, string service, CheckArea area, string finding, int others);

    [LoggerMessage(702, LogLevel.Error, "Tenant check round failed unexpectedly; retrying at the next interval", EventName = "TenantCheckRoundFailed")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(703, LogLevel.Debug, "Tenant checks: another replica holds the round lease; its results arrive through the cluster store", EventName = "TenantCheckRoundElsewhere")]
    public static partial void RoundElsewhere(ILogger logger);

    [LoggerMessage(704, LogLevel.Warning, "Tenant checks cannot reach the cluster store ({Message}); showing the verdicts this replica has", EventName = "TenantCheckStoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, string message);

    [LoggerMessage(705, LogLevel.Information, "Tenant {Domain} passes its set-up check again (was {Previous})", EventName = "TenantCheckRecovered")]
    public static partial void Recovered(ILogger logger, string domain, CheckVerdict previous);

    [LoggerMessage(706, LogLevel.Information, "Background tenant checks are off: TenantChecks:XmppHosts is not set, so no DNS, HTTPS or XMPP lookups are made; 'tenants check' still checks on demand", EventName = "TenantChecksNotConfigured")]
    public static partial void NotConfigured(ILogger logger);

    [LoggerMessage(707, LogLevel.Debug, "Background tenant checks start once the server listens, then every {Interval}", EventName = "TenantChecksScheduled")]
    public static partial void Scheduled(ILogger logger, TimeSpan interval);
}
