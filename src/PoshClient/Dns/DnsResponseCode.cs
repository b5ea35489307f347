namespace PoshClient.Dns;

/// <summary>The RCODE values of RFC 1035 §4.1.1 that the resolver distinguishes.</summary>
internal enum DnsResponseCode
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}
