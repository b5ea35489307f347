using System.Net;
using System.Net.Sockets;

namespace PoshServer.FailureReports;

/// <summary>
/// Which rate-limit partition a reporter's address falls in. The rate limiter keeps one limiter per partition key
/// until it has been idle, so keying by the raw address let a peer with many addresses (one IPv6 /64 holds 2^64)
/// create limiters without bound (issue 14). IPv6 addresses count per /64 (what one host or site gets), IPv4-mapped
/// addresses as IPv4, and the result is spread over at most <see cref="Buckets"/> keys: memory stays bounded whatever
/// the peers, at the price that a reporter occasionally shares its bucket's limit with another.
/// </summary>
internal static class FailureReportRateLimitPartition
{
    /// <summary>Most partitions (limiters) the report endpoint's rate limit can hold.</summary>
    public const int Buckets = 4096;

    public static int For(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // The /64: the interface identifier is the peer's to choose.
            length = 8;
        }

        var hash = default(HashCode);
        hash.AddBytes(bytes[..length]);
        return (int)((uint)hash.ToHashCode() % Buckets);
    }
}
