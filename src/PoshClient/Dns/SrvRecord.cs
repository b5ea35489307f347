namespace PoshClient.Dns;

/// <summary>One SRV resource record (RFC 2782).</summary>
internal sealed record SrvRecord
{
    /// <summary>Lower is tried first (RFC 2782 "Priority").</summary>
    public required ushort Priority { get; init; }

    /// <summary>Relative weight among records of the same priority (RFC 2782 "Weight").</summary>
    public required ushort Weight { get; init; }

    /// <summary>The TCP port of the service on <see cref="Target"/>.</summary>
    public required ushort Port { get; init; }

    /// <summary>The host name, without trailing dot; "." means the service is decidedly not offered (RFC 2782 "Target").</summary>
    public required string Target { get; init; }

    /// <summary>The record's TTL.</summary>
    public required TimeSpan TimeToLive { get; init; }
}
