using PoshClient.Dns;

namespace PoshClient.Xmpp;

/// <summary>The DNS lookups the connector needs: the network boundary that unit tests replace.</summary>
internal interface IXmppDns
{
    Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken);

    Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken);

    Task<DnsTlsaResult> ResolveTlsaAsync(string name, CancellationToken cancellationToken);
}
