using System.Net;

using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>The answer to the A and AAAA queries for one host.</summary>
internal sealed record DnsAddressResult
{
    /// <summary>How the lookup ended (Success when either query returned an address).</summary>
    public required DnsResponseStatus Status { get; init; }

    /// <summary>The DNSSEC status of the answer: Secure only with the AD bit of a trusted validating resolver.</summary>
    public DnssecStatus Dnssec { get; init; } = DnssecStatus.Insecure;

    /// <summary>The addresses, IPv6 first then IPv4, as a happy-eyeballs-free client tries them.</summary>
    public required IReadOnlyList<IPAddress> Addresses { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string Detail { get; init; } = string.Empty;
}
