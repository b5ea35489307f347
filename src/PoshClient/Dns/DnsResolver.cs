namespace PoshClient.Dns;

/// <summary>
/// A small stub resolver (RFC 1035) for SRV, A and AAAA: UDP with EDNS0, TCP on truncation (RFC 7766),
/// response validation, timeouts and retries over a configurable server list.
/// </summary>
public sealed class DnsResolver
{
    private readonly DnsResolverOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a resolver.</summary>
    public DnsResolver(DnsResolverOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Queries SRV records for an absolute name such as <c>_xmpp-client._tcp.example.com</c>.</summary>
    public Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Not implemented yet.");

    /// <summary>Queries A and AAAA records for a host name.</summary>
    public Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Not implemented yet.");
}
