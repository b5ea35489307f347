namespace PoshClient.Dns;

/// <summary>A parsed DNS response (RFC 1035 §4.1). The record lists are empty when only the header and question were parsed.</summary>
internal sealed record DnsMessage
{
    /// <summary>How many CNAMEs the resolver follows inside one response before giving up (a loop or an absurd chain).</summary>
    private const int MaxCanonicalNameHops = 16;

    public required ushort Id { get; init; }

    public required bool IsResponse { get; init; }

    public required bool IsTruncated { get; init; }

    /// <summary>
    /// The AD bit (RFC 4035 §3.2.3): the server says it validated every record in the answer and authority sections.
    /// Worth something only from a validating resolver the client trusts, over a path it trusts (RFC 6840 §5.8).
    /// </summary>
    public bool IsAuthenticData { get; init; }

    /// <summary>Extended DNS errors of the OPT record (RFC 8914), e.g. 6 "DNSSEC Bogus" or 7 "Signature Expired".</summary>
    public IReadOnlyList<DnsExtendedError> ExtendedErrors { get; init; } = [];

    public required DnsResponseCode ResponseCode { get; init; }

    /// <summary>The echoed question, or null when QDCOUNT is not 1 (such a response never matches our query).</summary>
    public required DnsQuestion? Question { get; init; }

    public IReadOnlyList<DnsResourceRecord> Answers { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Authorities { get; init; } = [];

    public IReadOnlyList<DnsResourceRecord> Additionals { get; init; } = [];

    /// <summary>
    /// The answers of <paramref name="type"/> for <paramref name="name"/>, following a CNAME chain inside the answer section
    /// (RFC 1034 §3.6.2: a recursive server returns the chain and the records of the final name together).
    /// </summary>
    public IReadOnlyList<DnsResourceRecord> GetAnswers(string name, DnsRecordType type)
    {
        var current = name;
        for (var hop = 0; hop <= MaxCanonicalNameHops; hop++)
        {
            var matches = Answers.Where(r => r.Type == type && string.Equals(r.Name, current, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 0)
            {
                return matches;
            }

            var alias = Answers.FirstOrDefault(r => r.Type == DnsRecordType.CName && string.Equals(r.Name, current, StringComparison.OrdinalIgnoreCase));
            if (alias?.CanonicalName is null)
            {
                return [];
            }

            current = alias.CanonicalName;
        }

        return [];
    }
}
