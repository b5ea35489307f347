using Microsoft.Extensions.Logging;

namespace PoshServer.Https;

internal static partial class HttpsLog
{
    [LoggerMessage(1, LogLevel.Warning, "No HTTPS certificate is configured: serving a SELF-SIGNED DEVELOPMENT CERTIFICATE for {HostNames}. Peers will reject it; configure Https:Certificates or ACME before production use")]
    public static partial void DevelopmentCertificate(ILogger logger, string hostNames);

    [LoggerMessage(2, LogLevel.Information, "HTTPS certificate for {HostNames} loaded from {File} (expires {NotAfter:u}, {IntermediateCount} intermediate(s))")]
    public static partial void Loaded(ILogger logger, string hostNames, string file, DateTimeOffset notAfter, int intermediateCount);

    [LoggerMessage(3, LogLevel.Error, "HTTPS certificate {File} could not be loaded ({Message}); the previous certificate keeps serving")]
    public static partial void LoadFailed(ILogger logger, string file, string message);

    [LoggerMessage(4, LogLevel.Warning, "HTTPS certificate {File} expires {NotAfter:u}")]
    public static partial void ExpiresSoon(ILogger logger, string file, DateTimeOffset notAfter);
}
