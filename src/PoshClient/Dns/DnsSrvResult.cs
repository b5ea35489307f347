using System.Collections.ObjectModel;
using System.Net;

using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>The answer to an SRV query.</summary>
internal sealed record DnsSrvResult
{
    /// <summary>How the lookup ended.</summary>
    public required DnsResponseStatus Status { get; init; }

    /// <summary>The DNSSEC status of the answer: Secure only with the AD bit of a trusted validating resolver.</summary>
    public DnssecStatus Dnssec { get; init; } = DnssecStatus.Insecure;

    /// <summary>The records, in the order the server sent them (order them with <see cref="SrvOrdering"/>).</summary>
    public required IReadOnlyList<SrvRecord> Records { get; init; }

    /// <summary>A human-readable explanation (server asked, rcode, TCP retry, …).</summary>
    public string Detail { get; init; } = string.Empty;

    /// <summary>
    /// Addresses of SRV targets that the server sent in the additional section (RFC 2782: a client may use them instead
    /// of separate A/AAAA queries), keyed by target name (case-insensitive), IPv6 first. Often empty: recursive servers
    /// need not include them.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> AdditionalAddresses { get; init; } =
        ReadOnlyDictionary<string, IReadOnlyList<IPAddress>>.Empty;

    /// <summary>
    /// True when the answer is a single record whose target is "." — the service is decidedly not available
    /// at this domain (RFC 2782; RFC 6120 §3.2.1 step 3), and the client must not fall back to A/AAAA.
    /// </summary>
    public bool ServiceNotOffered => Records.Count == 1 && string.Equals(Records[0].Target, ".", StringComparison.Ordinal);
}
