using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>The answer to a TLSA query (RFC 6698 §3) for a name such as <c>_5269._tcp.xmpp.example.net</c>.</summary>
internal sealed record DnsTlsaResult
{
    public required string Name { get; init; }

    public required DnsResponseStatus Status { get; init; }

    public required DnssecStatus Dnssec { get; init; }

    public required IReadOnlyList<TlsaRecord> Records { get; init; }

    public string Detail { get; init; } = string.Empty;
}
