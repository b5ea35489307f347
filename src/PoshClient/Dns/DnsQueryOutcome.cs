using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>The end of one query (all servers and rounds): a status, the answers of the requested type, and why.</summary>
internal sealed record DnsQueryOutcome
{
    public required DnsResponseStatus Status { get; init; }

    public required string Detail { get; init; }

    /// <summary>Whether a trusted validating resolver vouched for the answer (Secure) or found it bogus.</summary>
    public DnssecStatus Dnssec { get; init; } = DnssecStatus.Indeterminate;

    /// <summary>The response the status came from, when a server gave a definitive one.</summary>
    public DnsMessage? Message { get; init; }

    /// <summary>The records of the requested type, after following CNAMEs; empty unless <see cref="Status"/> is Success.</summary>
    public IReadOnlyList<DnsResourceRecord> Answers { get; init; } = [];
}
