using System.Globalization;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Documents;

namespace PoshClient.Xmpp;

/// <summary>
/// Turns a domain into the ordered list of endpoints (RFC 6120 §3.2, RFC 2782, XEP-0368): SRV for STARTTLS and
/// direct TLS queried together, mixed into one priority/weight ordering unless a preference is set; a "." answer
/// means the service is not offered; no SRV answer falls back to the domain on 5222/5269 with STARTTLS only.
/// </summary>
internal sealed class XmppEndpointPlanner(IXmppDns dns, Random? random)
{
    public const int DefaultClientPort = 5222;
    public const int DefaultServerPort = 5269;

    public static int DefaultPort(PoshService service) => service == PoshService.XmppClient ? DefaultClientPort : DefaultServerPort;

    public async Task<XmppEndpointPlan> PlanAsync(string domain, PoshService service, XmppConnectOptions options, ConnectStepRecorder steps, CancellationToken cancellationToken)
    {
        if (options.Host is not null)
        {
            // RFC 6120 §3.2.3: a configured host replaces DNS; the reference identity stays the domain.
            return new XmppEndpointPlan
            {
                Endpoints =
                [
                    new XmppEndpoint { Host = options.Host, Port = options.Port ?? DefaultPort(service), DirectTls = options.DirectTls, Origin = "override" },
                ],
            };
        }

        var name = service.ToName();
        var startTlsName = $"_{name}._tcp.{domain}";
        var directTlsName = $"_xmpps-{name[5..]}._tcp.{domain}";
        var started = steps.Start();
        var startTlsTask = dns.ResolveSrvAsync(startTlsName, cancellationToken);
        var directTlsTask = dns.ResolveSrvAsync(directTlsName, cancellationToken);
        var startTls = await startTlsTask.ConfigureAwait(false);
        var directTls = await directTlsTask.ConfigureAwait(false);
        steps.Add("dns", $"SRV {startTlsName}: {Describe(startTls)}", started, startTls.Status == DnsResponseStatus.Success, startTls.Dnssec);
        steps.Add("dns", $"SRV {directTlsName}: {Describe(directTls)}", started, directTls.Status == DnsResponseStatus.Success, directTls.Dnssec);

        var startTlsRecords = Usable(startTls);
        var directTlsRecords = Usable(directTls);
        if (startTlsRecords.Count + directTlsRecords.Count > 0)
        {
            return new XmppEndpointPlan
            {
                Endpoints = Order(startTlsRecords, startTlsName, startTls.Dnssec, directTlsRecords, directTlsName, directTls.Dnssec, options.TransportPreference),
            };
        }

        // RFC 4035 §5.5 / RFC 7673 §3.1: a bogus SRV answer is not "no SRV records"; falling back to the domain's own
        // address would let an attacker who breaks the signature choose the endpoint.
        var bogus = new[] { (startTls, startTlsName), (directTls, directTlsName) }.Where(p => p.Item1.Dnssec == DnssecStatus.Bogus).ToList();
        if (bogus.Count > 0)
        {
            return new XmppEndpointPlan
            {
                Endpoints = [],
                DnssecFailed = true,
                Error = "DNSSEC validation failed for " + string.Join("; ", bogus.Select(b => $"SRV {b.Item2} ({b.Item1.Detail})")),
            };
        }

        if (startTls.ServiceNotOffered)
        {
            return new XmppEndpointPlan
            {
                Endpoints = [],
                ServiceNotOffered = true,
                Error = $"{domain} does not offer {name}: the SRV record {startTlsName} has target \".\" (RFC 6120 §3.2.1)",
            };
        }

        if (startTls.Status == DnsResponseStatus.Success)
        {
            return new XmppEndpointPlan { Endpoints = [], Error = $"the SRV records of {startTlsName} have no usable target" };
        }

        // RFC 6120 §3.2.2: no SRV answer → the domain itself on the default port, STARTTLS only (XEP-0368 defines
        // no default direct TLS port, and a "." for _xmpps-* forbids a direct TLS fallback anyway).
        return new XmppEndpointPlan
        {
            Endpoints =
            [
                new XmppEndpoint { Host = domain, Port = DefaultPort(service), DirectTls = false, Origin = "fallback (no SRV records)" },
            ],
        };
    }

    private List<XmppEndpoint> Order(
        List<SrvRecord> startTls,
        string startTlsName,
        DnssecStatus startTlsDnssec,
        List<SrvRecord> directTls,
        string directTlsName,
        DnssecStatus directTlsDnssec,
        XmppTransportPreference preference)
    {
        XmppEndpoint ToEndpoint(SrvRecord record, bool direct) => new()
        {
            Host = record.Target,
            Port = record.Port,
            DirectTls = direct,
            Origin = "srv " + (direct ? directTlsName : startTlsName),
            SrvRecord = record,
            SrvDnssec = direct ? directTlsDnssec : startTlsDnssec,
        };

        return preference switch
        {
            XmppTransportPreference.PreferDirectTls =>
                [.. SrvOrdering.Order(directTls, random).Select(r => ToEndpoint(r, true)), .. SrvOrdering.Order(startTls, random).Select(r => ToEndpoint(r, false))],
            XmppTransportPreference.PreferStartTls =>
                [.. SrvOrdering.Order(startTls, random).Select(r => ToEndpoint(r, false)), .. SrvOrdering.Order(directTls, random).Select(r => ToEndpoint(r, true))],
            _ => Mixed(startTls, directTls).Select(t => ToEndpoint(t.Record, t.Direct)).ToList(),
        };
    }

    /// <summary>XEP-0368 §3: both record sets in one RFC 2782 ordering; each ordered record is mapped back to its set.</summary>
    private List<(SrvRecord Record, bool Direct)> Mixed(List<SrvRecord> startTls, List<SrvRecord> directTls)
    {
        var pending = startTls.Select(r => (Record: r, Direct: false)).Concat(directTls.Select(r => (Record: r, Direct: true))).ToList();
        var result = new List<(SrvRecord, bool)>();
        foreach (var record in SrvOrdering.Order([.. pending.Select(p => p.Record)], random))
        {
            var index = pending.FindIndex(p => ReferenceEquals(p.Record, record));
            if (index < 0)
            {
                index = pending.FindIndex(p => p.Record.Equals(record));
            }

            if (index >= 0)
            {
                result.Add(pending[index]);
                pending.RemoveAt(index);
            }
        }

        return result;
    }

    private static List<SrvRecord> Usable(DnsSrvResult result) =>
        result.Status == DnsResponseStatus.Success && result.Dnssec != DnssecStatus.Bogus
            ? result.Records.Where(r => !string.Equals(r.Target, ".", StringComparison.Ordinal) && r.Target.Length > 0).ToList()
            : [];

    private static string Describe(DnsSrvResult result)
    {
        var records = string.Join(", ", result.Records.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Priority} {r.Weight} {r.Port} {r.Target}")));
        var detail = string.IsNullOrEmpty(result.Detail) ? string.Empty : " (" + result.Detail + ")";
        var security = result.Dnssec == DnssecStatus.Insecure ? string.Empty : " [DNSSEC " + result.Dnssec.ToString().ToLowerInvariant() + "]";
        return (result.Status == DnsResponseStatus.Success ? records + detail : result.Status + detail) + security;
    }
}
