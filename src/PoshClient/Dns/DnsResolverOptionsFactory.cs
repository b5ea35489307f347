using System.Net;
using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>
/// Builds <see cref="DnsResolverOptions"/> from the public DNS settings, once for both ways a consumer configures
/// PoshClient (<see cref="PoshClientOptions"/> through AddPoshClient, and <c>PoshCertificateValidatorOptions</c>), so
/// that the two cannot drift on what is trusted.
/// </summary>
internal static class DnsResolverOptionsFactory
{
    /// <summary>The resolver options; an invalid trust anchor throws <see cref="ArgumentException"/> naming it.</summary>
    public static DnsResolverOptions Create(
        IEnumerable<IPEndPoint> servers,
        IEnumerable<IPAddress> trustedResolvers,
        bool trustLoopbackResolvers,
        DnssecMode mode,
        IEnumerable<string> trustAnchors)
    {
        var dns = new DnsResolverOptions { TrustLoopbackValidators = trustLoopbackResolvers, Mode = mode };
        foreach (var anchor in DnssecTrustAnchor.ParseAll(trustAnchors))
        {
            dns.TrustAnchors.Add(anchor);
        }

        foreach (var server in servers)
        {
            dns.Servers.Add(server);
        }

        foreach (var trusted in trustedResolvers)
        {
            dns.TrustedValidators.Add(trusted);
        }

        return dns;
    }
}
