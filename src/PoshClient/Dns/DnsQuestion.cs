namespace PoshClient.Dns;

/// <summary>The question section entry (RFC 1035 §4.1.2); <see cref="Name"/> is ASCII without trailing dot.</summary>
internal readonly record struct DnsQuestion(string Name, DnsRecordType Type, ushort Class)
{
    /// <summary>QCLASS IN.</summary>
    public const ushort ClassInternet = 1;

    /// <summary>
    /// Whether a response echoes this question: names compare case-insensitively (RFC 4343), type and class exactly.
    /// </summary>
    public bool Matches(DnsQuestion other) =>
        Type == other.Type && Class == other.Class && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);
}
