using Microsoft.Extensions.Logging;

namespace PoshServer.Https;

/// <summary>
/// HTTPS certificate and connection log messages, event ids 200–299. Ids 1–4 of earlier versions became 200–203
/// (issue 14: they collided with TenantsLog's).
/// </summary>
internal static partial class HttpsLog
{
    [LoggerMessage(200, LogLevel.Warning, "No HTTPS certificate is configured: serving a SELF-SIGNED DEVELOPMENT CERTIFICATE for {HostNames}. Peers will reject it; configure Https:Certificates or ACME before production use", EventName = "HttpsDevelopmentCertificate")]
    public static partial void DevelopmentCertificate(ILogger logger, string hostNames);

    [LoggerMessage(201, LogLevel.Information, "HTTPS certificate for {HostNames} loaded from {File} (expires {NotAfter:u}, {IntermediateCount} intermediate(s))", EventName = "HttpsCertificateLoaded")]
    public static partial void Loaded(ILogger logger, string hostNames, string file, DateTimeOffset notAfter, int intermediateCount);

    [LoggerMessage(202, LogLevel.Error, "HTTPS certificate {File} could not be loaded ({Message}); the previous certificate keeps serving", EventName = "HttpsCertificateLoadFailed")]
    public static partial void LoadFailed(ILogger logger, string file, string message);

    [LoggerMessage(203, LogLevel.Warning, "HTTPS certificate {File} expires {NotAfter:u}", EventName = "HttpsCertificateExpiresSoon")]
    public static partial void ExpiresSoon(ILogger logger, string file, DateTimeOffset notAfter);

    [LoggerMessage(250, LogLevel.Debug, "HTTPS certificate for {HostNames} registered from {File} (expires {NotAfter:u}, {IntermediateCount} intermediate(s)); its context is built on the first handshake", EventName = "HttpsCertificateRegistered")]
    public static partial void Registered(ILogger logger, string hostNames, string file, DateTimeOffset notAfter, int intermediateCount);

    [LoggerMessage(251, LogLevel.Information, "HTTPS certificates: {FileCount} file(s) for {NameCount} name(s) ready in {ElapsedMs:F0} ms", EventName = "HttpsCertificatesReady")]
    public static partial void InitialLoadCompleted(ILogger logger, int fileCount, int nameCount, double elapsedMs);

    [LoggerMessage(252, LogLevel.Warning, "No HTTPS certificate file is configured and ACME is on: each name is served once ACME has its certificate; until then its handshakes are refused (no development certificate is made)", EventName = "HttpsNoCertificateFiles")]
    public static partial void NoCertificateFiles(ILogger logger);

    [LoggerMessage(EventId = 253, Message = "Peer protocol event {Event}: {Message} (repeats are counted, not logged, for the next minute)", EventName = "PeerProtocolEvent")]
    public static partial void PeerProtocolEvent(ILogger logger, LogLevel level, string @event, string message, Exception? exception);

    [LoggerMessage(254, LogLevel.Warning, "{Count} more peer protocol event(s) in the last {Interval}, not logged one by one: {Counts}", EventName = "PeerProtocolSummary")]
    public static partial void PeerProtocolSummary(ILogger logger, long count, TimeSpan interval, string counts);

    [LoggerMessage(255, LogLevel.Information, "Open connections fell from {HighWater} to {Open}: managed heap {HeapBeforeMb:F0} -> {HeapAfterMb:F0} MB, working set {WorkingSetBeforeMb:F0} -> {WorkingSetAfterMb:F0} MB (native free pages returned: {Trimmed}) in {ElapsedMs:F0} ms", EventName = "MemoryReclaimed")]
    public static partial void MemoryReclaimed(ILogger logger, long highWater, long open, double heapBeforeMb, double heapAfterMb, double workingSetBeforeMb, double workingSetAfterMb, bool trimmed, double elapsedMs);

    [LoggerMessage(256, LogLevel.Warning, "Https:ReleaseIdleTlsBuffers is on but this runtime's TLS connections cannot be reached (not Linux/OpenSSL, or SslStream internals changed): idle TLS connections keep their record buffers (~34 KB each)", EventName = "TlsBufferReleaseUnsupported")]
    public static partial void TlsBufferReleaseUnsupported(ILogger logger);

    [LoggerMessage(257, LogLevel.Error, "Looking at the HTTPS certificate files failed unexpectedly; the installed certificates keep serving and the files are looked at again on the next change or poll", EventName = "HttpsCertificateFileLoopFailed")]
    public static partial void FileLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(258, LogLevel.Error, "Giving memory back after connections closed failed; serving is unaffected and the next drop tries again", EventName = "MemoryReclaimFailed")]
    public static partial void MemoryReclaimFailed(ILogger logger, Exception exception);
}
