using System.Net;
using Microsoft.Extensions.Logging;

namespace PoshClient.Dns;

/// <summary>Resolver log messages; event ids 1200–1249 (1100–1199 are PoshVerifierLog's).</summary>
internal static partial class DnsLog
{
    [LoggerMessage(1200, LogLevel.Debug, "Querying {Server} for {QueryType} {Name}", EventName = "DnsQuery")]
    public static partial void Querying(this ILogger logger, IPEndPoint server, DnsRecordType queryType, string name);

    [LoggerMessage(1201, LogLevel.Debug, "Truncated UDP answer from {Server} for {QueryType} {Name}; retrying over TCP", EventName = "DnsTcpRetry")]
    public static partial void RetryingOverTcp(this ILogger logger, IPEndPoint server, DnsRecordType queryType, string name);

    [LoggerMessage(1202, LogLevel.Information, "DNS server {Server} gave no usable answer for {QueryType} {Name} ({Reason}); trying the next server", EventName = "DnsServerFailover")]
    public static partial void FailingOver(this ILogger logger, IPEndPoint server, DnsRecordType queryType, string name, string reason);

    [LoggerMessage(1203, LogLevel.Debug, "Ignored a datagram from {Server} for query id {QueryId}: {Reason}", EventName = "DnsDatagramIgnored")]
    public static partial void IgnoredDatagram(this ILogger logger, IPEndPoint server, ushort queryId, string reason);

    [LoggerMessage(1204, LogLevel.Debug, "{QueryType} {Name}: {Status} ({Detail})", EventName = "DnsQueryCompleted")]
    public static partial void QueryCompleted(this ILogger logger, DnsRecordType queryType, string name, DnsResponseStatus status, string detail);
}
