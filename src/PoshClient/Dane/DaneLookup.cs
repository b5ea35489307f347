using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Xmpp;

namespace PoshClient.Dane;

/// <summary>Locates the TLSA records of XMPP endpoints as RFC 7673 §3 says.</summary>
internal static class DaneLookup
{
    /// <summary>
    /// One endpoint from an SRV answer: TLSA at <c>_port._tcp.target</c>, asked only when both the SRV answer and the
    /// target's address answer are DNSSEC-secure (RFC 7673 §3.2). A bogus address answer forbids the endpoint.
    /// </summary>
    public static async Task<DaneEndpoint> ForEndpointAsync(IXmppDns dns, string target, int port, DnssecStatus srvDnssec, DnssecStatus addressDnssec, CancellationToken cancellationToken)
    {
        var endpoint = new DaneEndpoint { Target = target, Port = port, SrvDnssec = srvDnssec, AddressDnssec = addressDnssec };
        if (srvDnssec != DnssecStatus.Secure)
        {
            return endpoint;
        }

        if (addressDnssec == DnssecStatus.Bogus)
        {
            return endpoint with { Failure = $"the address answer for {target} is DNSSEC bogus" };
        }

        if (addressDnssec != DnssecStatus.Secure)
        {
            return endpoint;
        }

        var tlsa = await dns.ResolveTlsaAsync(DaneEndpoint.TlsaName(target, port), cancellationToken).ConfigureAwait(false);
        return endpoint with { Tlsa = tlsa };
    }

    /// <summary>
    /// Every endpoint of a domain, for a receiving server (inbound s2s) or a piggybacking check: its SRV answer, then
    /// each target's addresses and TLSA records. Empty without SRV records (RFC 7712 §5.1: then no DANE).
    /// </summary>
    public static async Task<IReadOnlyList<DaneEndpoint>> ForDomainAsync(IXmppDns dns, string domain, PoshService service, CancellationToken cancellationToken)
    {
        var name = $"_{service.ToName()}._tcp.{domain}";
        var srv = await dns.ResolveSrvAsync(name, cancellationToken).ConfigureAwait(false);
        if (srv.Dnssec == DnssecStatus.Bogus)
        {
            return [new DaneEndpoint { SrvDnssec = DnssecStatus.Bogus, Failure = $"the SRV answer for {name} is DNSSEC bogus ({srv.Detail})" }];
        }

        if (srv.Status != DnsResponseStatus.Success || srv.ServiceNotOffered)
        {
            return [];
        }

        var endpoints = new List<DaneEndpoint>();
        foreach (var record in srv.Records.Where(r => r.Target is not ("." or "")).DistinctBy(r => (r.Target.ToUpperInvariant(), r.Port)))
        {
            var addresses = srv.Dnssec == DnssecStatus.Secure
                ? (await dns.ResolveAddressesAsync(record.Target, cancellationToken).ConfigureAwait(false)).Dnssec
                : DnssecStatus.Insecure;
            endpoints.Add(await ForEndpointAsync(dns, record.Target, record.Port, srv.Dnssec, addresses, cancellationToken).ConfigureAwait(false));
        }

        return endpoints;
    }
}
