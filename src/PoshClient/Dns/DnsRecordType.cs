namespace PoshClient.Dns;

/// <summary>The resource record types this resolver asks for or reads (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891, RFC 6698).</summary>
internal enum DnsRecordType : ushort
{
    A = 1,
    CName = 5,
    Soa = 6,
    Aaaa = 28,
    Srv = 33,
    Opt = 41,
    Tlsa = 52,
}
