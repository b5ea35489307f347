namespace PoshServer.Https;

/// <summary>What start-up needs from a certificate file before its first handshake: the names it serves and its expiry.</summary>
internal sealed record HttpsCertificateFileInfo
{
    public required IReadOnlyList<string> HostNames { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required int IntermediateCount { get; init; }
}
