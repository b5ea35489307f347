using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PoshClient.Dane;
using PoshClient.Dns;
using PoshClient.Documents;
using PoshClient.Names;
using PoshClient.Pkix;

namespace PoshClient.Xmpp;

/// <summary>
/// Opens an authenticated XMPP stream to a domain: SRV resolution for STARTTLS and XEP-0368 direct TLS (RFC 6120
/// §3.2, RFC 2782), TCP with per-address fallback, STARTTLS or direct TLS with SNI = the domain, and a certificate
/// accepted by DANE when the SRV, address and TLSA answers are DNSSEC-secure (RFC 7673), otherwise by PKIX (the SRV
/// target counting as a reference identity under secure delegation, RFC 7712 §6) or, when the chain or name fails,
/// by POSH (RFC 7711, RFC 7712). Failures come back as a result with a reason and a full report; only cancellation
/// throws.
/// </summary>
public sealed class XmppConnector
{
    private readonly XmppEndpointPlanner _planner;
    private readonly IXmppDns _dns;
    private readonly PoshCertificateValidator _validator;
    private readonly XmppTlsNegotiator _negotiator;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates a connector that resolves through the validator's DNS servers
    /// (<see cref="PoshCertificateValidatorOptions.DnsServers"/>), or through /etc/resolv.conf when none are set.
    /// </summary>
    /// <param name="certificateValidator">Decides on certificates (DANE, PKIX, then POSH) and prefetches POSH material.</param>
    /// <param name="timeProvider">Clock for timeouts and step timings; null for the system clock.</param>
    /// <param name="logger">Logger; null for none.</param>
    public XmppConnector(PoshCertificateValidator certificateValidator, TimeProvider? timeProvider = null, ILogger<XmppConnector>? logger = null)
        : this(
            (certificateValidator ?? throw new ArgumentNullException(nameof(certificateValidator))).Dns ?? new DnsResolverLookup(new DnsResolver(new DnsResolverOptions(), timeProvider)),
            certificateValidator,
            timeProvider,
            logger,
            random: null)
    {
    }

    /// <summary>Creates a connector on a resolver of its own.</summary>
    internal XmppConnector(DnsResolver dnsResolver, PoshCertificateValidator certificateValidator, TimeProvider? timeProvider = null, ILogger<XmppConnector>? logger = null)
        : this(new DnsResolverLookup(dnsResolver ?? throw new ArgumentNullException(nameof(dnsResolver))), certificateValidator, timeProvider, logger, random: null)
    {
    }

    internal XmppConnector(IXmppDns dns, PoshCertificateValidator certificateValidator, TimeProvider? timeProvider, ILogger? logger, Random? random)
    {
        ArgumentNullException.ThrowIfNull(certificateValidator);
        _dns = dns;
        _validator = certificateValidator;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _planner = new XmppEndpointPlanner(dns, random);
        _negotiator = new XmppTlsNegotiator(certificateValidator, _timeProvider);
    }

    /// <summary>
    /// Connects to <paramref name="domain"/> for <paramref name="service"/> and returns the authenticated stream,
    /// ready for SASL, with a report of every step; or, on failure, a result whose reason says what failed where.
    /// </summary>
    /// <param name="domain">The XMPP domain: the JID domainpart (c2s) or the peer domain (s2s). It is the reference identity.</param>
    /// <param name="service">xmpp-client (c2s) or xmpp-server (s2s).</param>
    /// <param name="options">Host override, s2s <c>from</c>, transport preference, timeouts; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the whole attempt (then <see cref="OperationCanceledException"/> is thrown).</param>
    public async Task<XmppConnectResult> ConnectAsync(string domain, PoshService service, XmppConnectOptions? options = null, CancellationToken cancellationToken = default)
    {
        var normalized = DomainName.Parse(domain, nameof(domain)).Value;
        options ??= new XmppConnectOptions();
        Validate(options);
        var from = options.From is null ? null : DomainName.Parse(options.From, nameof(options) + ".From").Value;
        var steps = new ConnectStepRecorder(_timeProvider);
        _logger.ConnectStarting(normalized, service.ToName());

        // RFC 7711 §5: POSH retrieval runs in parallel with SRV and address resolution, so the material is
        // (usually) ready when the certificate arrives.
        _validator.Prefetch(normalized, service);
        var posh = RecordPoshLookupAsync(_validator.LookupAsync(normalized, service, cancellationToken), steps);

        var plan = await _planner.PlanAsync(normalized, service, options, steps, cancellationToken).ConfigureAwait(false);
        if (plan.Endpoints.Count == 0)
        {
            var status = plan.ServiceNotOffered ? XmppConnectStatus.ServiceNotOffered
                : plan.DnssecFailed ? XmppConnectStatus.DnssecFailed
                : XmppConnectStatus.ResolutionFailed;
            await SettleAsync(posh, consulted: false).ConfigureAwait(false);
            return Fail(normalized, service, status, plan.Error ?? "no endpoints", steps, [], last: null);
        }

        var attempts = new List<XmppConnectAttempt>();
        XmppNegotiationOutcome? lastTls = null;
        (XmppEndpoint, IPEndPoint)? lastTlsAt = null;
        foreach (var endpoint in plan.Endpoints)
        {
            var addresses = await ResolveAsync(endpoint, steps, cancellationToken).ConfigureAwait(false);
            if (addresses.Error is not null)
            {
                attempts.Add(new XmppConnectAttempt { Endpoint = endpoint, Error = addresses.Error, Status = XmppConnectStatus.ResolutionFailed });
                _logger.AttemptFailed(endpoint.ToString(), null, addresses.Error);
                continue;
            }

            var dane = await DaneForAsync(endpoint, addresses.Dnssec, steps, cancellationToken).ConfigureAwait(false);
            if (dane is { IsFailed: true })
            {
                // RFC 7673 §3.2: with a bogus or failed TLSA (or address) answer the client must not connect to this target.
                var error = "DNSSEC: " + dane.FailureDetail;
                attempts.Add(new XmppConnectAttempt { Endpoint = endpoint, Error = error, Status = XmppConnectStatus.DnssecFailed });
                _logger.AttemptFailed(endpoint.ToString(), null, error);
                continue;
            }

            // RFC 6120 §3.2.1 step 7: on failure, the next address of this target, then the next target.
            foreach (var address in addresses.Addresses)
            {
                var remote = new IPEndPoint(address, endpoint.Port);
                var (socket, connectError) = await ConnectTcpAsync(remote, options.ConnectTimeout, steps, cancellationToken).ConfigureAwait(false);
                if (socket is null)
                {
                    attempts.Add(new XmppConnectAttempt { Endpoint = endpoint, Address = remote, Error = connectError, Status = XmppConnectStatus.ConnectFailed });
                    _logger.AttemptFailed(endpoint.ToString(), remote.ToString(), connectError);
                    continue;
                }

                var outcome = await _negotiator.NegotiateAsync(socket, endpoint, normalized, service, from, steps, options.NegotiationTimeout, cancellationToken, dane).ConfigureAwait(false);
                if (outcome.Connection is not null)
                {
                    attempts.Add(new XmppConnectAttempt { Endpoint = endpoint, Address = remote, Status = XmppConnectStatus.Connected });
                    var proofType = outcome.Certificate?.ProofType ?? CertificateProofType.None;
                    _logger.Connected(normalized, endpoint.ToString(), remote.ToString(), proofType);
                    await SettleAsync(posh, outcome.Certificate?.Posh is not null).ConfigureAwait(false);
                    return new XmppConnectResult
                    {
                        Status = XmppConnectStatus.Connected,
                        Reason = $"connected to {normalized} at {remote} ({endpoint}); {outcome.Certificate?.Reason}",
                        Connection = outcome.Connection,
                        Report = Report(normalized, service, steps, attempts, outcome, endpoint, remote),
                    };
                }

                attempts.Add(new XmppConnectAttempt { Endpoint = endpoint, Address = remote, Error = outcome.Error, Status = outcome.Status });
                _logger.AttemptFailed(endpoint.ToString(), remote.ToString(), outcome.Error);
                if (outcome.Certificate is { IsAccepted: false } rejected)
                {
                    _logger.CertificateRejected(normalized, rejected.Certificate?.Sha256Hex, rejected.Reason);
                }

                if (outcome.TlsProtocol is not null || outcome.Certificate is not null)
                {
                    lastTls = outcome;
                    lastTlsAt = (endpoint, remote);
                }
            }
        }

        // RFC 6120 §3.2.1 step 8: SRV records were found but none worked: no fallback to A/AAAA of the domain.
        var final = attempts.Max(a => Rank(a.Status));
        var finalStatus = attempts.First(a => Rank(a.Status) == final).Status;
        await SettleAsync(posh, lastTls?.Certificate?.Posh is not null).ConfigureAwait(false);
        return Fail(normalized, service, finalStatus, Summarize(finalStatus, attempts), steps, attempts, lastTls, lastTlsAt);
    }

    private async Task<(IReadOnlyList<IPAddress> Addresses, string? Error, DnssecStatus Dnssec)> ResolveAsync(XmppEndpoint endpoint, ConnectStepRecorder steps, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(endpoint.Host, out var literal))
        {
            return ([literal], null, DnssecStatus.Insecure);
        }

        var started = steps.Start();
        var result = await _dns.ResolveAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var ok = result.Status == DnsResponseStatus.Success && result.Addresses.Count > 0 && result.Dnssec != DnssecStatus.Bogus;
        var detail = ok ? string.Join(", ", result.Addresses) : result.Status + (string.IsNullOrEmpty(result.Detail) ? string.Empty : " (" + result.Detail + ")");
        var security = result.Dnssec == DnssecStatus.Insecure ? string.Empty : " [DNSSEC " + result.Dnssec.ToString().ToLowerInvariant() + "]";
        steps.Add("dns", $"A/AAAA {endpoint.Host}: {detail}{security}", started, ok, result.Dnssec);
        return ok ? (result.Addresses, null, result.Dnssec) : ([], $"{endpoint.Host}: no address ({detail}{security})", result.Dnssec);
    }

    /// <summary>
    /// The DANE inputs of an SRV endpoint (RFC 7673 §3): TLSA at <c>_port._tcp.target</c> when the SRV and address
    /// answers are secure, recorded as a "dane" step. Null for a fallback or configured host (RFC 7712 §5.1).
    /// </summary>
    private async Task<DaneEndpoint?> DaneForAsync(XmppEndpoint endpoint, DnssecStatus addressDnssec, ConnectStepRecorder steps, CancellationToken cancellationToken)
    {
        if (endpoint.SrvRecord is null)
        {
            return null;
        }

        var started = steps.Start();
        var dane = await DaneLookup.ForEndpointAsync(_dns, endpoint.Host, endpoint.Port, endpoint.SrvDnssec, addressDnssec, cancellationToken).ConfigureAwait(false);
        if (dane.Tlsa is { } tlsa)
        {
            var records = tlsa.Records.Count == 0 ? tlsa.Status.ToString() : string.Join(", ", tlsa.Records);
            steps.Add("dane", $"TLSA {tlsa.Name}: {records} [DNSSEC {tlsa.Dnssec.ToString().ToLowerInvariant()}]", started, !dane.IsFailed, tlsa.Dnssec);
        }
        else if (dane.Failure is not null)
        {
            steps.Add("dane", dane.Failure, started, succeeded: false);
        }

        return dane;
    }

    /// <summary>
    /// Piggybacking by supposition (RFC 7712 §4.4.2): may stanzas for <paramref name="furtherDomain"/> travel over the
    /// stream of <paramref name="existing"/>? Yes when its SRV records (<c>_xmpp-server._tcp</c> for s2s) resolve to
    /// the address and port the stream is connected to, and the certificate presented on that stream is valid for
    /// the further domain by some prooftype (DANE with that endpoint's TLSA records, PKIX with secure delegation, or
    /// POSH). Whether the peer supports dialback errors (XEP-0220 §2.4) is the caller's part of the check.
    /// </summary>
    /// <param name="existing">A connected result of <see cref="ConnectAsync"/>.</param>
    /// <param name="furtherDomain">The domain to piggyback, e.g. <c>rooms.example.com</c>.</param>
    /// <param name="cancellationToken">Cancels DNS and POSH retrieval.</param>
    public async Task<PiggybackDecision> CanPiggybackAsync(XmppConnectResult existing, string furtherDomain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var normalized = DomainName.Parse(furtherDomain, nameof(furtherDomain)).Value;
        if (existing.Connection is not { } connection || existing.Report.RemoteAddress is not { } remote
            || connection.Stream.RemoteCertificate is not { } presented)
        {
            return new PiggybackDecision { Domain = normalized, IsAllowed = false, Reason = "the existing stream is not connected" };
        }

        var service = existing.Report.Service;
        var name = $"_{service.ToName()}._tcp.{normalized}";
        var srv = await _dns.ResolveSrvAsync(name, cancellationToken).ConfigureAwait(false);
        if (srv.Status != DnsResponseStatus.Success || srv.Dnssec == DnssecStatus.Bogus)
        {
            return new PiggybackDecision { Domain = normalized, IsAllowed = false, Reason = $"SRV {name}: {srv.Status} ({srv.Detail}); open a new connection" };
        }

        // Step 2 of §4.4.2: one of the further domain's SRV endpoints must be the very address and port in use.
        foreach (var record in srv.Records.Where(r => r.Port == remote.Port && r.Target is not ("." or "")))
        {
            var addresses = await _dns.ResolveAddressesAsync(record.Target, cancellationToken).ConfigureAwait(false);
            if (!addresses.Addresses.Any(a => a.Equals(remote.Address)))
            {
                continue;
            }

            var dane = await DaneLookup.ForEndpointAsync(_dns, record.Target, record.Port, srv.Dnssec, addresses.Dnssec, cancellationToken).ConfigureAwait(false);
            using var leaf = PresentedCertificate.Copy(presented);
            var decision = await _validator.ValidateCoreAsync(normalized, service, leaf, [], [dane], cancellationToken).ConfigureAwait(false);
            var where = string.Create(CultureInfo.InvariantCulture, $"{record.Target}:{record.Port} ({remote})");
            return new PiggybackDecision
            {
                Domain = normalized,
                IsAllowed = decision.IsAccepted,
                Certificate = decision,
                Reason = decision.IsAccepted
                    ? $"{normalized} resolves to the connected endpoint {where} and the stream's certificate is valid for it (RFC 7712 §4.4.2): {decision.Reason}"
                    : $"{normalized} resolves to the connected endpoint {where}, but the stream's certificate is not valid for it: {decision.Reason}",
            };
        }

        return new PiggybackDecision
        {
            Domain = normalized,
            IsAllowed = false,
            Reason = $"{name} does not resolve to the connected endpoint {remote} (RFC 7712 §4.4.2 step 2); open a new connection",
        };
    }

    private async Task<(Socket? Socket, string? Error)> ConnectTcpAsync(IPEndPoint remote, TimeSpan timeout, ConnectStepRecorder steps, CancellationToken cancellationToken)
    {
        var started = steps.Start();
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        string error;
        try
        {
            await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
            steps.Add("tcp", $"connected to {remote}", started, succeeded: true);
            return (socket, null);
        }
        catch (SocketException ex)
        {
            error = ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
                _ => ex.Message,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        finally
        {
            if (!socket.Connected)
            {
                socket.Dispose();
            }
        }

        steps.Add("tcp", $"{remote}: {error}", started, succeeded: false);
        return (null, error);
    }

    private static int Rank(XmppConnectStatus status) => status switch
    {
        XmppConnectStatus.DnssecFailed => 5,
        XmppConnectStatus.CertificateRejected => 4,
        XmppConnectStatus.NegotiationFailed => 3,
        XmppConnectStatus.ConnectFailed => 2,
        _ => 1,
    };

    private static string Summarize(XmppConnectStatus status, List<XmppConnectAttempt> attempts)
    {
        string Where(XmppConnectAttempt a) => a.Address?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"{a.Endpoint.Host}:{a.Endpoint.Port}");
        var all = string.Join("; ", attempts.Select(a => $"{Where(a)} {a.Error}"));
        if (status == XmppConnectStatus.CertificateRejected)
        {
            var rejected = attempts.Last(a => a.Status == XmppConnectStatus.CertificateRejected);
            return attempts.Count == 1 ? rejected.Error ?? "certificate rejected" : $"{rejected.Error} (endpoints tried: {all})";
        }

        return status switch
        {
            XmppConnectStatus.DnssecFailed => "DNSSEC validation failed where DANE applies, so no endpoint was used: " + all,
            XmppConnectStatus.NegotiationFailed => "no endpoint completed the stream and TLS negotiation: " + all,
            XmppConnectStatus.ConnectFailed => "no endpoint accepted a connection: " + all,
            _ => "no endpoint address could be resolved: " + all,
        };
    }

    private XmppConnectResult Fail(
        string domain,
        PoshService service,
        XmppConnectStatus status,
        string reason,
        ConnectStepRecorder steps,
        List<XmppConnectAttempt> attempts,
        XmppNegotiationOutcome? last,
        (XmppEndpoint Endpoint, IPEndPoint Address)? lastAt = null)
    {
        _logger.ConnectFailed(domain, reason);
        return new XmppConnectResult
        {
            Status = status,
            Reason = reason,
            Report = Report(domain, service, steps, attempts, last, lastAt?.Endpoint, lastAt?.Address),
        };
    }

    /// <summary>
    /// Adds a "posh" step when the parallel lookup completes (it joins the prefetch, so nothing is fetched twice),
    /// with the documents fetched, their status and expires: the report then shows POSH material even when PKIX sufficed.
    /// </summary>
    private static (Task<PoshLookupResult> Lookup, Task Recorded) RecordPoshLookupAsync(Task<PoshLookupResult> lookup, ConnectStepRecorder steps)
    {
        var started = steps.Start();
        return (lookup, RecordAsync());

        async Task RecordAsync()
        {
            try
            {
                var result = await lookup.ConfigureAwait(false);
                steps.Add("posh", result.Reason, started, result.IsFound);
            }
            catch (OperationCanceledException)
            {
                // The connection attempt was cancelled; no report is built.
            }
        }
    }

    /// <summary>
    /// Waits for the "posh" step when the decision consulted POSH (the material is then already here, so this is
    /// immediate) or when the lookup has finished anyway, so the report is complete and deterministic.
    /// </summary>
    private async Task SettleAsync((Task<PoshLookupResult> Lookup, Task Recorded) posh, bool consulted)
    {
        if (!consulted && !posh.Lookup.IsCompleted)
        {
            return;
        }

        try
        {
            // Bounded: a POSH check that gave up (its own time-out) must not hold the result for the lookup's budget.
            await posh.Recorded.WaitAsync(TimeSpan.FromSeconds(2), _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The report simply has no "posh" step.
        }
    }

    private static XmppConnectReport Report(
        string domain,
        PoshService service,
        ConnectStepRecorder steps,
        List<XmppConnectAttempt> attempts,
        XmppNegotiationOutcome? outcome,
        XmppEndpoint? endpoint,
        IPEndPoint? address) => new()
        {
            Domain = domain,
            Service = service,
            ProofType = outcome?.Connection is null ? CertificateProofType.None : outcome.Certificate?.ProofType ?? CertificateProofType.None,
            Endpoint = endpoint,
            RemoteAddress = address,
            TlsProtocol = outcome?.TlsProtocol,
            ApplicationProtocol = outcome?.ApplicationProtocol,
            Certificate = outcome?.Certificate,
            Attempts = [.. attempts],
            Steps = steps.Steps,
        };

    private static void Validate(XmppConnectOptions options)
    {
        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 1 and 65535.");
        }

        if (options.Host is null && (options.Port is not null || options.DirectTls))
        {
            throw new ArgumentException("Port and DirectTls apply only together with Host.", nameof(options));
        }

        if (options.DirectTls && options.Port is null)
        {
            throw new ArgumentException("Direct TLS has no default port (XEP-0368): set Port together with Host.", nameof(options));
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(100) || options.ConnectTimeout > TimeSpan.FromMinutes(2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConnectTimeout, "ConnectTimeout must be between 100 ms and 2 min.");
        }

        if (options.NegotiationTimeout < TimeSpan.FromSeconds(1) || options.NegotiationTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NegotiationTimeout, "NegotiationTimeout must be between 1 s and 5 min.");
        }
    }
}
