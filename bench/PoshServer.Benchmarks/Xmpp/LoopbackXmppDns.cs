using System.Net;
using PoshClient.Dns;
using PoshClient.Xmpp;

namespace PoshServer.Benchmarks.Xmpp;

/// <summary>DNS answered from memory: SRV for each domain points at the local Prosody (RFC 6120 §3.2.1), so only TLS and XMPP are measured.</summary>
internal sealed class LoopbackXmppDns(IPAddress address, int c2sPort) : IXmppDns
{
    public const string ServerName = "xmpp.bench.test";

    public Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(name.StartsWith("_xmpp-client._tcp.", StringComparison.Ordinal)
            ? new DnsSrvResult
            {
                Status = DnsResponseStatus.Success,
                Records = [new SrvRecord { Target = ServerName, Port = (ushort)c2sPort, Priority = 0, Weight = 0, TimeToLive = TimeSpan.FromMinutes(5) }],
            }
            : new DnsSrvResult { Status = DnsResponseStatus.NameError, Records = [] });

    public Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken) =>
        Task.FromResult(string.Equals(hostName, ServerName, StringComparison.OrdinalIgnoreCase)
            ? new DnsAddressResult { Status = DnsResponseStatus.Success, Addresses = [address] }
            : new DnsAddressResult { Status = DnsResponseStatus.NameError, Addresses = [] });

    public Task<DnsTlsaResult> ResolveTlsaAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(new DnsTlsaResult { Name = name, Status = DnsResponseStatus.NoData, Dnssec = PoshClient.Dane.DnssecStatus.Insecure, Records = [] });
}
