using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using PoshClient.Dane;
using ArsoftDnsClient = ARSoft.Tools.Net.Dns.DnsClient;
using ArsoftSrvRecord = ARSoft.Tools.Net.Dns.SrvRecord;
using ArsoftTlsaRecord = ARSoft.Tools.Net.Dns.TlsaRecord;

namespace PoshClient.Dns;

/// <summary>
/// The <see cref="DnssecMode.ValidateInProcess"/> side of <see cref="DnsResolver"/>: ARSoft.Tools.Net's
/// <see cref="SelfValidatingInternalDnsSecStubResolver"/> asks the configured resolvers with DO and CD set (RFC 4035
/// §3.2.2, so a validating resolver hands over even data it finds bogus) and validates the signatures itself, from the
/// configured root trust anchors down through DS and DNSKEY (RFC 4035 §5). The resolvers' AD bit plays no part.
/// </summary>
/// <remarks>
/// ARSoft's recursive resolver (<c>DnsSecRecursiveDnsResolver</c>) was not taken: it starts from root server
/// addresses and would ignore the configured resolvers. ARSoft keeps one port for all servers of a transport, so every
/// configured server must listen on the same port (checked at start-up). ARSoft judges signature validity periods by
/// the system clock, not by the injected <see cref="TimeProvider"/>.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "ARSoft 3.6.1's resolver Dispose does nothing and its UDP/TCP transports hold no sockets between queries; the validator lives as long as its DnsResolver.")]
internal sealed class InProcessDnssecValidator
{
    private readonly SelfValidatingInternalDnsSecStubResolver _resolver;
    private readonly string _servers;

    public InProcessDnssecValidator(IReadOnlyList<IPEndPoint> servers, TimeSpan queryTimeout, IReadOnlyList<DnssecTrustAnchor> anchors)
    {
        var port = servers[0].Port;
        if (servers.Any(s => s.Port != port))
        {
            throw new ArgumentException("In-process DNSSEC validation needs every DNS server on the same port.", nameof(servers));
        }

        var timeout = (int)queryTimeout.TotalMilliseconds;
        var client = new ArsoftDnsClient(
            [.. servers.Select(s => s.Address)],
            [new UdpClientTransport(port), new TcpClientTransport(port)],
            disposeTransport: true,
            queryTimeout: timeout);
        _resolver = new SelfValidatingInternalDnsSecStubResolver(client, new TrustAnchorStore(anchors));
        _servers = string.Join(", ", servers);
    }

    /// <summary>
    /// Resolves and validates one question; null when the validator could not fetch what it needed (a SERVFAIL or no
    /// answer to one of its queries), which says nothing about the answer's security.
    /// </summary>
    public async Task<DnsQueryOutcome?> QueryAsync(string asciiName, DnsRecordType type, CancellationToken cancellationToken)
    {
        var name = DomainName.Parse(asciiName);
        var source = $"{type.ToString().ToUpperInvariant()} {asciiName} from {_servers}, validated in-process";
        try
        {
            var outcome = type switch
            {
                DnsRecordType.Srv => Outcome(source, await ResolveAsync<ArsoftSrvRecord>(name, RecordType.Srv, cancellationToken).ConfigureAwait(false), ToSrv),
                DnsRecordType.A => Outcome(source, await ResolveAsync<ARecord>(name, RecordType.A, cancellationToken).ConfigureAwait(false), r => ToAddress(r, DnsRecordType.A)),
                DnsRecordType.Aaaa => Outcome(source, await ResolveAsync<AaaaRecord>(name, RecordType.Aaaa, cancellationToken).ConfigureAwait(false), r => ToAddress(r, DnsRecordType.Aaaa)),
                DnsRecordType.Tlsa => Outcome(source, await ResolveAsync<ArsoftTlsaRecord>(name, RecordType.Tlsa, cancellationToken).ConfigureAwait(false), ToTlsa),
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a type the resolver queries"),
            };
            if (outcome.Dnssec == DnssecStatus.Insecure && await IsInsideSignedZoneAsync(name, cancellationToken).ConfigureAwait(false))
            {
                return new DnsQueryOutcome
                {
                    Status = DnsResponseStatus.ServerFailure,
                    Dnssec = DnssecStatus.Bogus,
                    Detail = $"{source}: DNSSEC bogus (no valid signature, but the name lies below a secure delegation)",
                };
            }

            return outcome;
        }
        catch (DnsSecValidationException ex)
        {
            // RFC 4035 §5.5: a bogus answer is not returned; nothing falls back past it (the caller fails closed).
            return new DnsQueryOutcome { Status = DnsResponseStatus.ServerFailure, Dnssec = DnssecStatus.Bogus, Detail = $"{source}: DNSSEC bogus ({ex.Message})" };
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsFetchFailure(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// ARSoft reports a SERVFAIL, REFUSED or silent resolver as a plain <c>Exception("DNS request failed")</c>; only the
    /// exact type tells it apart from the library's other exceptions, which are bugs and propagate.
    /// </summary>
    private static bool IsFetchFailure(Exception ex) => ex.GetType() == typeof(Exception);

    /// <summary>
    /// ARSoft 3.6.1 calls an answer without a valid signature Unsigned as soon as one ancestor name has a proven
    /// absence of DS (e.g. an empty non-terminal such as <c>test.</c> above <c>secure.test.</c>), even when a DS lower
    /// down proves the zone signed: stripped or expired signatures would pass as insecure. RFC 4035 §5.2 allows
    /// Insecure only below a proven insecure delegation, so walk down from the root: a validated DS makes the zone
    /// below signed; a proven absence of DS at a real zone cut (the name has NS records) makes it unsigned.
    /// </summary>
    private async Task<bool> IsInsideSignedZoneAsync(DomainName name, CancellationToken cancellationToken)
    {
        var signed = false;
        for (var labels = 1; labels <= name.LabelCount; labels++)
        {
            var level = name.GetParentName(name.LabelCount - labels);
            var ds = await ResolveAsync<DsRecord>(level, RecordType.Ds, cancellationToken).ConfigureAwait(false);
            if (ds.Records.Count > 0)
            {
                if (ds.ValidationResult != DnsSecValidationResult.Signed)
                {
                    return signed;
                }

                signed = true;
                continue;
            }

            if (ds.ValidationResult == DnsSecValidationResult.Signed)
            {
                var ns = await ResolveAsync<NsRecord>(level, RecordType.Ns, cancellationToken).ConfigureAwait(false);
                if (ns.Records.Count > 0)
                {
                    signed = false;
                    break;
                }
            }
        }

        return signed;
    }

    private async Task<DnsSecResult<T>> ResolveAsync<T>(DomainName name, RecordType type, CancellationToken cancellationToken)
        where T : DnsRecordBase =>
        await _resolver.ResolveSecureAsync<T>(name, type, RecordClass.INet, cancellationToken).ConfigureAwait(false);

    private static DnsQueryOutcome Outcome<T>(string source, DnsSecResult<T> result, Func<T, DnsResourceRecord> convert)
        where T : DnsRecordBase
    {
        var dnssec = result.ValidationResult switch
        {
            DnsSecValidationResult.Signed => DnssecStatus.Secure,
            DnsSecValidationResult.Unsigned => DnssecStatus.Insecure,
            DnsSecValidationResult.Bogus => DnssecStatus.Bogus,
            _ => DnssecStatus.Indeterminate,
        };
        if (dnssec == DnssecStatus.Bogus)
        {
            return new DnsQueryOutcome { Status = DnsResponseStatus.ServerFailure, Dnssec = dnssec, Detail = $"{source}: DNSSEC bogus" };
        }

        var answers = result.Records.Select(convert).ToList();
        var security = $", DNSSEC {dnssec.ToString().ToLowerInvariant()}";

        // ARSoft returns no records for NXDOMAIN and NODATA alike (both proven by NSEC when signed); both mean "no
        // such records" to every caller here.
        return answers.Count > 0
            ? new DnsQueryOutcome { Status = DnsResponseStatus.Success, Dnssec = dnssec, Answers = answers, Detail = string.Create(CultureInfo.InvariantCulture, $"{source}: {answers.Count} record(s){security}") }
            : new DnsQueryOutcome { Status = DnsResponseStatus.NoData, Dnssec = dnssec, Detail = $"{source}: no records (NXDOMAIN or NODATA){security}" };
    }

    private static DnsResourceRecord Base(DnsRecordBase record, DnsRecordType type) => new()
    {
        Name = record.Name.ToString(false),
        Type = type,
        Class = DnsQuestion.ClassInternet,
        TimeToLive = TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive)),
    };

    private static DnsResourceRecord ToAddress(AddressRecordBase record, DnsRecordType type) => Base(record, type) with { Address = record.Address };

    private static DnsResourceRecord ToSrv(ArsoftSrvRecord record)
    {
        var target = record.Target.Equals(DomainName.Root) ? "." : record.Target.ToString(false);
        return Base(record, DnsRecordType.Srv) with
        {
            Srv = new SrvRecord { Priority = record.Priority, Weight = record.Weight, Port = record.Port, Target = target, TimeToLive = TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive)) },
        };
    }

    private static DnsResourceRecord ToTlsa(ArsoftTlsaRecord record) => Base(record, DnsRecordType.Tlsa) with
    {
        Tlsa = new Dane.TlsaRecord
        {
            Usage = (byte)record.CertificateUsage,
            Selector = (byte)record.Selector,
            MatchingType = (byte)record.MatchingType,
            Data = record.CertificateAssociationData,
            TimeToLive = TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive)),
        },
    };

    /// <summary>The trust anchors as ARSoft wants them; no root server addresses (the stub resolver never uses them).</summary>
    private sealed class TrustAnchorStore(IReadOnlyList<DnssecTrustAnchor> anchors) : IResolverHintStore
    {
        public IReadOnlyList<IPAddress> RootServers { get; } = [];

        public IReadOnlyList<DsRecord> RootKeys { get; } =
        [
            .. anchors.Select(a => new DsRecord(DomainName.Root, RecordClass.INet, 0, a.KeyTag, (DnsSecAlgorithm)a.Algorithm, (DnsSecDigestType)a.DigestType, [.. a.Digest])),
        ];
    }
}
