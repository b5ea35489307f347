using PoshClient.Dns;

namespace PoshClient.Xmpp;

/// <summary>Adapts <see cref="DnsResolver"/> to <see cref="IXmppDns"/>.</summary>
internal sealed class DnsResolverLookup(DnsResolver resolver) : IXmppDns
{
    public Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken) =>
        resolver.ResolveSrvAsync(name, cancellationToken);

    public Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken) =>
        resolver.ResolveAddressesAsync(hostName, cancellationToken);

    public Task<DnsTlsaResult> ResolveTlsaAsync(string name, CancellationToken cancellationToken) =>
        resolver.ResolveTlsaAsync(name, cancellationToken);

    /// <summary>The resolver itself, for the HTTP connect callback of a connector built on a validator.</summary>
    public DnsResolver Resolver => resolver;
}
