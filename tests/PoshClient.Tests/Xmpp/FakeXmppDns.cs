using System.Net;
using PoshClient.Dns;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Xmpp;

/// <summary>A DNS seam answering from tables; names not in a table are NXDOMAIN.</summary>
internal sealed class FakeXmppDns : IXmppDns
{
    public Dictionary<string, DnsSrvResult> Srv { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, IPAddress[]> Hosts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, DnsTlsaResult> Tlsa { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Queries { get; } = [];

    public static DnsSrvResult Records(params SrvRecord[] records) => new() { Status = DnsResponseStatus.Success, Records = records };

    public static SrvRecord Record(string target, int port, int priority = 0, int weight = 0) => new()
    {
        Target = target,
        Port = (ushort)port,
        Priority = (ushort)priority,
        Weight = (ushort)weight,
        TimeToLive = TimeSpan.FromMinutes(5),
    };

    public Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken)
    {
        lock (Queries)
        {
            Queries.Add("SRV " + name);
        }

        return Task.FromResult(Srv.TryGetValue(name, out var result) ? result : new DnsSrvResult { Status = DnsResponseStatus.NameError, Records = [] });
    }

    public Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken)
    {
        lock (Queries)
        {
            Queries.Add("A/AAAA " + hostName);
        }

        return Task.FromResult(Hosts.TryGetValue(hostName, out var addresses)
            ? new DnsAddressResult { Status = DnsResponseStatus.Success, Addresses = addresses }
            : new DnsAddressResult { Status = DnsResponseStatus.NameError, Addresses = [] });
    }

    public Task<DnsTlsaResult> ResolveTlsaAsync(string name, CancellationToken cancellationToken)
    {
        lock (Queries)
        {
            Queries.Add("TLSA " + name);
        }

        return Task.FromResult(Tlsa.TryGetValue(name, out var result)
            ? result
            : new DnsTlsaResult { Name = name, Status = DnsResponseStatus.NameError, Dnssec = PoshClient.Dane.DnssecStatus.Insecure, Records = [] });
    }
}
