using System.Net;
using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>
/// One parsed resource record. Only the RDATA of the types the resolver uses is decoded: <see cref="Address"/> for A/AAAA,
/// <see cref="CanonicalName"/> for CNAME, <see cref="Srv"/> for SRV, <see cref="Tlsa"/> for TLSA.
/// </summary>
internal sealed record DnsResourceRecord
{
    /// <summary>The owner name, ASCII without trailing dot ("." for the root).</summary>
    public required string Name { get; init; }

    public required DnsRecordType Type { get; init; }

    public required ushort Class { get; init; }

    public required TimeSpan TimeToLive { get; init; }

    public IPAddress? Address { get; init; }

    public string? CanonicalName { get; init; }

    public SrvRecord? Srv { get; init; }

    public TlsaRecord? Tlsa { get; init; }

    /// <summary>For the OPT pseudo-record: its extended DNS errors (RFC 8914).</summary>
    public IReadOnlyList<DnsExtendedError> ExtendedErrors { get; init; } = [];
}
