using System.Collections.ObjectModel;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PoshClient.Dane;

namespace PoshClient.Dns;

/// <summary>
/// A small stub resolver (RFC 1035) for SRV, A, AAAA and TLSA: UDP with EDNS0, TCP on truncation (RFC 7766),
/// response validation, timeouts and retries over a configurable server list, and the DNSSEC status of each answer
/// as a security-aware stub resolver sees it (RFC 4035 §4.9): the DO bit is set, and the AD bit of a trusted
/// validating resolver makes an answer Secure; a DNSSEC extended error from it makes it Bogus. With
/// <see cref="DnssecMode.ValidateInProcess"/> the status comes from <see cref="InProcessDnssecValidator"/> instead.
/// </summary>
/// <remarks>
/// Names are always absolute: the resolv.conf search list is never applied, because XMPP and POSH look up names a
/// domain owner published (RFC 6120 §3.2.1), not names relative to the client's network.
/// </remarks>
internal sealed class DnsResolver
{
    private static readonly TimeSpan s_minAttemptTimeout = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxAttemptTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_minConnectTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxConnectTimeout = TimeSpan.FromMinutes(2);
    private static readonly IdnMapping s_idn = new();

    private readonly DnsResolverOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lazy<ResolvConf> _resolvConf;
    private readonly Lazy<InProcessDnssecValidator>? _validator;

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">Servers, timeouts and attempts; read on every query.</param>
    /// <param name="timeProvider">The clock for timeouts; <see cref="TimeProvider.System"/> when null.</param>
    public DnsResolver(DnsResolverOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, logger: null)
    {
    }

    /// <summary>Creates a resolver that logs retries over TCP and server failover.</summary>
    /// <param name="options">Servers, timeouts and attempts; read on every query.</param>
    /// <param name="timeProvider">The clock for timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    public DnsResolver(DnsResolverOptions options, TimeProvider? timeProvider, ILogger? logger)
        : this(options, timeProvider, logger, () => ResolvConf.Load())
    {
    }

    internal DnsResolver(DnsResolverOptions options, TimeProvider? timeProvider, ILogger? logger, Func<ResolvConf> loadResolvConf)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AttemptTimeout, s_minAttemptTimeout, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.AttemptTimeout, s_maxAttemptTimeout, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Attempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Attempts, 5, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConnectTimeout, s_minConnectTimeout, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ConnectTimeout, s_maxConnectTimeout, nameof(options));
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _resolvConf = new Lazy<ResolvConf>(loadResolvConf, LazyThreadSafetyMode.ExecutionAndPublication);
        if (options.Mode == DnssecMode.ValidateInProcess)
        {
            // Built on first use: the servers may come from resolv.conf, which is read lazily too.
            _validator = new Lazy<InProcessDnssecValidator>(
                () =>
                {
                    var (servers, attemptTimeout, _) = GetConfiguration();
                    var anchors = _options.TrustAnchors.Count > 0 ? [.. _options.TrustAnchors] : DnssecTrustAnchor.ParseAll(DnssecTrustAnchor.RootAnchors);
                    return new InProcessDnssecValidator(servers, attemptTimeout, anchors);
                },
                LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    /// <summary>Queries SRV records for an absolute name such as <c>_xmpp-client._tcp.example.com</c>.</summary>
    /// <param name="name">The service name; a trailing dot is allowed, internationalized names are converted with IDNA.</param>
    /// <param name="cancellationToken">Cancels the whole lookup (all servers and rounds).</param>
    /// <returns>The records in server order; order them for connecting with <see cref="SrvOrdering.Order"/>.</returns>
    public async Task<DnsSrvResult> ResolveSrvAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var outcome = await QueryAsync(name, DnsRecordType.Srv, cancellationToken).ConfigureAwait(false);
        var records = outcome.Answers.Select(r => r.Srv).OfType<SrvRecord>().ToList();
        return new DnsSrvResult
        {
            Status = outcome.Status,
            Dnssec = outcome.Dnssec,
            Records = records,
            Detail = outcome.Detail,
            AdditionalAddresses = outcome.Message is null ? ReadOnlyDictionary<string, IReadOnlyList<IPAddress>>.Empty : CollectAdditionalAddresses(outcome.Message, records),
        };
    }

    /// <summary>Queries A and AAAA records for a host name.</summary>
    /// <param name="hostName">A host name (trailing dot allowed) or an IP literal, which is returned as is without a query.</param>
    /// <param name="cancellationToken">Cancels both lookups.</param>
    public async Task<DnsAddressResult> ResolveAddressesAsync(string hostName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (TryParseIpLiteral(hostName, out var literal))
        {
            return new DnsAddressResult { Status = DnsResponseStatus.Success, Addresses = [literal], Detail = "IP literal, no query sent" };
        }

        // Both queries at once: the slower one bounds the wait instead of the sum of both.
        var aaaaTask = QueryAsync(hostName, DnsRecordType.Aaaa, cancellationToken);
        var aTask = QueryAsync(hostName, DnsRecordType.A, cancellationToken);
        await Task.WhenAll(aaaaTask, aTask).ConfigureAwait(false);
        var aaaa = await aaaaTask.ConfigureAwait(false);
        var a = await aTask.ConfigureAwait(false);

        var addresses = aaaa.Answers.Concat(a.Answers).Select(r => r.Address).OfType<IPAddress>().ToList();
        return new DnsAddressResult
        {
            Status = CombineAddressStatus(aaaa.Status, a.Status, addresses.Count > 0),
            Dnssec = CombineDnssec(aaaa.Dnssec, a.Dnssec),
            Addresses = addresses,
            Detail = $"AAAA: {aaaa.Detail}; A: {a.Detail}",
        };
    }

    /// <summary>Queries the TLSA records of a name such as <c>_5269._tcp.xmpp.example.net</c> (RFC 6698 §3).</summary>
    /// <param name="name">The TLSA owner name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async Task<DnsTlsaResult> ResolveTlsaAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var outcome = await QueryAsync(name, DnsRecordType.Tlsa, cancellationToken).ConfigureAwait(false);
        return new DnsTlsaResult
        {
            Name = name.TrimEnd('.'),
            Status = outcome.Status,
            Dnssec = outcome.Dnssec,
            Records = [.. outcome.Answers.Select(r => r.Tlsa).OfType<TlsaRecord>()],
            Detail = outcome.Detail,
        };
    }

    /// <summary>
    /// Resolves <paramref name="hostName"/> with this resolver and opens a TCP connection to the first address that
    /// accepts, IPv6 addresses first, each within <see cref="DnsResolverOptions.ConnectTimeout"/>.
    /// </summary>
    /// <param name="hostName">A host name or an IP literal.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="cancellationToken">Cancels resolution and every connection attempt.</param>
    /// <returns>A connected socket, owned by the caller.</returns>
    /// <exception cref="SocketException">
    /// The name does not resolve (<see cref="SocketError.HostNotFound"/>, <see cref="SocketError.TryAgain"/> when DNS
    /// failed) or no address accepted; the message lists every attempt.
    /// </exception>
    public async Task<Socket> ConnectAsync(string hostName, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        var resolved = await ResolveAddressesAsync(hostName, cancellationToken).ConfigureAwait(false);
        if (resolved.Status != DnsResponseStatus.Success)
        {
            var error = resolved.Status is DnsResponseStatus.NameError or DnsResponseStatus.NoData ? SocketError.HostNotFound : SocketError.TryAgain;
            throw new SocketException((int)error, $"Cannot resolve '{hostName}': {resolved.Status} ({resolved.Detail}).");
        }

        var failures = new List<string>();
        var lastError = SocketError.TimedOut;
        foreach (var address in resolved.Addresses)
        {
            var endPoint = new IPEndPoint(address, port);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var connected = false;
            try
            {
                using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
                connected = true;
                return socket;
            }
            catch (SocketException ex)
            {
                lastError = ex.SocketErrorCode;
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{endPoint}: {ex.SocketErrorCode}"));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = SocketError.TimedOut;
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{endPoint}: no answer within {_options.ConnectTimeout.TotalSeconds} s"));
            }
            finally
            {
                if (!connected)
                {
                    socket.Dispose();
                }
            }
        }

        throw new SocketException((int)lastError, $"Cannot connect to {hostName}:{port.ToString(CultureInfo.InvariantCulture)}: {string.Join("; ", failures)}.");
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the request host through this resolver (IP
    /// literals pass through) and connects with <see cref="ConnectAsync"/>, trying each address in turn.
    /// </summary>
    /// <returns>A callback that returns a <see cref="NetworkStream"/> owning its socket.</returns>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> CreateHttpConnectCallback() =>
        async (context, cancellationToken) =>
        {
            var socket = await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        };

    /// <summary>Runs one query over every server and round until a server gives a definitive answer.</summary>
    internal async Task<DnsQueryOutcome> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        if (!TryNormalizeName(name, out var asciiName, out var nameError))
        {
            return new DnsQueryOutcome { Status = DnsResponseStatus.Failure, Detail = nameError };
        }

        if (_validator is not null)
        {
            var validated = await _validator.Value.QueryAsync(asciiName, type, cancellationToken).ConfigureAwait(false);
            if (validated is null)
            {
                // The validator could not fetch what it needed (a resolver's SERVFAIL or silence, not a validation
                // failure): take the plain answer, but as Indeterminate, never Secure — DANE and secure delegation
                // need a validated answer (RFC 7673 §3.1), and no resolver's AD bit counts in this mode.
                var plain = await QueryServersAsync(asciiName, type, believeAd: false, cancellationToken).ConfigureAwait(false);
                validated = plain with { Dnssec = DnssecStatus.Indeterminate, Detail = plain.Detail + ", not validated in-process (the validator could not fetch the chain)" };
            }

            _logger.QueryCompleted(type, asciiName, validated.Status, validated.Detail);
            return validated;
        }

        return await QueryServersAsync(asciiName, type, believeAd: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DnsQueryOutcome> QueryServersAsync(string asciiName, DnsRecordType type, bool believeAd, CancellationToken cancellationToken)
    {
        var (servers, attemptTimeout, attempts) = GetConfiguration();
        var question = new DnsQuestion(asciiName, type, DnsQuestion.ClassInternet);
        var failures = new List<string>();
        var sawServerFailure = false;
        var sawTimeout = false;
        for (var round = 0; round < attempts; round++)
        {
            foreach (var server in servers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var outcome = await QueryServerAsync(server, question, attemptTimeout, believeAd, cancellationToken).ConfigureAwait(false);
                // A bogus answer is definitive too: asking the next server could only bring an answer that was not
                // validated, i.e. a downgrade (RFC 4035 §5.5: the resolver must not return bogus data as if secure).
                if (outcome.Status is DnsResponseStatus.Success or DnsResponseStatus.NoData or DnsResponseStatus.NameError
                    || outcome.Dnssec == DnssecStatus.Bogus)
                {
                    _logger.QueryCompleted(type, asciiName, outcome.Status, outcome.Detail);
                    return outcome;
                }

                sawServerFailure |= outcome.Status == DnsResponseStatus.ServerFailure;
                sawTimeout |= outcome.Status == DnsResponseStatus.Timeout;
                failures.Add(outcome.Detail);
                _logger.FailingOver(server, type, asciiName, outcome.Detail);
            }
        }

        // A server that said SERVFAIL/REFUSED is the most specific reason; silence next; anything else is a failure.
        var status = sawServerFailure ? DnsResponseStatus.ServerFailure : sawTimeout ? DnsResponseStatus.Timeout : DnsResponseStatus.Failure;
        var detail = $"{type.ToString().ToUpperInvariant()} {asciiName}: {string.Join("; ", failures)}";
        _logger.QueryCompleted(type, asciiName, status, detail);
        return new DnsQueryOutcome { Status = status, Detail = detail };
    }

    private static bool TryNormalizeName(string name, out string asciiName, out string error)
    {
        asciiName = string.Empty;
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        try
        {
            // IDNA (RFC 5891) for internationalized domains; the result is also checked for DNS label and name lengths.
            asciiName = s_idn.GetAscii(trimmed);
            _ = DnsQueryBuilder.EncodeName(asciiName);
            error = string.Empty;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"'{name}' is not a valid DNS name: {ex.Message}";
            return false;
        }
    }

    private static bool TryParseIpLiteral(string hostName, out IPAddress address)
    {
        var candidate = hostName.StartsWith('[') && hostName.EndsWith(']') ? hostName[1..^1] : hostName;

        // IPAddress.TryParse also accepts "1" or "0x7f.1" as IPv4; only a dotted quad or an IPv6 literal counts here.
        if (candidate.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(candidate, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        if (candidate.Count(c => c == '.') == 3 && candidate.All(c => char.IsAsciiDigit(c) || c == '.')
            && IPAddress.TryParse(candidate, out var v4))
        {
            address = v4;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static DnsResponseStatus CombineAddressStatus(DnsResponseStatus aaaa, DnsResponseStatus a, bool anyAddress)
    {
        if (anyAddress)
        {
            return DnsResponseStatus.Success;
        }

        if (aaaa == DnsResponseStatus.NameError || a == DnsResponseStatus.NameError)
        {
            return DnsResponseStatus.NameError;
        }

        // NoData only when both queries say so; a failed query may have hidden addresses.
        return aaaa == DnsResponseStatus.NoData ? a : aaaa;
    }

    /// <summary>An address answer is secure only when both the AAAA and the A answers are (a missing type proven by NSEC included).</summary>
    private static DnssecStatus CombineDnssec(DnssecStatus aaaa, DnssecStatus a)
    {
        if (aaaa == DnssecStatus.Bogus || a == DnssecStatus.Bogus)
        {
            return DnssecStatus.Bogus;
        }

        if (aaaa == DnssecStatus.Secure && a == DnssecStatus.Secure)
        {
            return DnssecStatus.Secure;
        }

        return aaaa == DnssecStatus.Indeterminate || a == DnssecStatus.Indeterminate ? DnssecStatus.Indeterminate : DnssecStatus.Insecure;
    }

    private static ReadOnlyDictionary<string, IReadOnlyList<IPAddress>> CollectAdditionalAddresses(DnsMessage message, List<SrvRecord> records)
    {
        // RFC 2782 "the Additional Data section ... may contain A records for the targets"; IPv6 first, like ResolveAddressesAsync.
        var targets = records.Select(r => r.Target).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var addresses = message.Additionals
            .Where(r => r.Address is not null && targets.Contains(r.Name))
            .OrderBy(r => r.Type == DnsRecordType.Aaaa ? 0 : 1)
            .GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IPAddress>)[.. g.Select(r => r.Address!)], StringComparer.OrdinalIgnoreCase);
        return addresses.AsReadOnly();
    }

    private static DnsQueryOutcome Interpret(DnsMessage message, DnsQuestion question, IPEndPoint server, string via, bool trustedValidator)
    {
        var source = $"{question.Type.ToString().ToUpperInvariant()} {question.Name} from {server}{via}";

        // RFC 6840 §5.8: the AD bit means something only from a validating resolver the client trusts.
        var dnssec = trustedValidator && message.IsAuthenticData ? DnssecStatus.Secure : DnssecStatus.Insecure;
        var security = dnssec == DnssecStatus.Secure ? ", DNSSEC secure" : message.IsAuthenticData ? ", AD ignored (resolver not trusted)" : ", DNSSEC insecure";
        switch (message.ResponseCode)
        {
            case DnsResponseCode.NoError:
                var answers = message.GetAnswers(question.Name, question.Type);
                return answers.Count > 0
                    ? new DnsQueryOutcome { Status = DnsResponseStatus.Success, Dnssec = dnssec, Detail = $"{source}: {answers.Count.ToString(CultureInfo.InvariantCulture)} record(s){security}", Message = message, Answers = answers }
                    : new DnsQueryOutcome { Status = DnsResponseStatus.NoData, Dnssec = dnssec, Detail = $"{source}: NOERROR without answers (NODATA){security}", Message = message };
            case DnsResponseCode.NameError:
                // Authoritative for the whole name: another server would say the same (RFC 1035 §4.1.1, RFC 2308 §2.1).
                return new DnsQueryOutcome { Status = DnsResponseStatus.NameError, Dnssec = dnssec, Detail = $"{source}: NXDOMAIN{security}", Message = message };
            case DnsResponseCode.ServerFailure when trustedValidator && message.ExtendedErrors.Any(e => e.IsDnssecFailure):
                // A validating resolver signals a validation failure as SERVFAIL (RFC 4035 §5.5); RFC 8914 says which.
                return new DnsQueryOutcome
                {
                    Status = DnsResponseStatus.ServerFailure,
                    Dnssec = DnssecStatus.Bogus,
                    Detail = $"{source}: SERVFAIL, DNSSEC bogus ({string.Join("; ", message.ExtendedErrors)})",
                    Message = message,
                };
            case DnsResponseCode.ServerFailure or DnsResponseCode.Refused:
                var extended = message.ExtendedErrors.Count > 0 ? " (" + string.Join("; ", message.ExtendedErrors) + ")" : string.Empty;
                return new DnsQueryOutcome { Status = DnsResponseStatus.ServerFailure, Detail = $"{source}: {(message.ResponseCode == DnsResponseCode.Refused ? "REFUSED" : "SERVFAIL")}{extended}" };
            default:
                return new DnsQueryOutcome { Status = DnsResponseStatus.Failure, Detail = $"{source}: RCODE {((int)message.ResponseCode).ToString(CultureInfo.InvariantCulture)}" };
        }
    }

    private (IReadOnlyList<IPEndPoint> Servers, TimeSpan AttemptTimeout, int Attempts) GetConfiguration()
    {
        if (_options.Servers.Count > 0)
        {
            return ([.. _options.Servers], _options.AttemptTimeout, _options.Attempts);
        }

        var conf = _resolvConf.Value;
        return (conf.Servers, conf.Timeout ?? _options.AttemptTimeout, conf.Attempts ?? _options.Attempts);
    }

    /// <summary>One attempt at one server: UDP, then TCP when the UDP answer was truncated; each leg gets the attempt timeout.</summary>
    private async Task<DnsQueryOutcome> QueryServerAsync(IPEndPoint server, DnsQuestion question, TimeSpan attemptTimeout, bool believeAd, CancellationToken cancellationToken)
    {
        // RFC 5452 §9.2: an unpredictable id is part of what makes spoofing hard.
        var id = (ushort)RandomNumberGenerator.GetInt32(0, ushort.MaxValue + 1);
        var query = DnsQueryBuilder.Build(id, question.Name, question.Type, requestDnssec: _options.RequestDnssec);
        var via = string.Empty;
        _logger.Querying(server, question.Type, question.Name);
        try
        {
            DnsExchange exchange;
            using (var timeout = new CancellationTokenSource(attemptTimeout, _timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                exchange = await DnsTransport.ExchangeUdpAsync(server, query, id, question, _logger, linked.Token).ConfigureAwait(false);
            }

            if (exchange.Message is { IsTruncated: true })
            {
                // RFC 7766 §5: TC=1 means the answer did not fit; ask the same server over TCP.
                _logger.RetryingOverTcp(server, question.Type, question.Name);
                via = " over TCP after a truncated UDP answer";
                using var timeout = new CancellationTokenSource(attemptTimeout, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                exchange = await DnsTransport.ExchangeTcpAsync(server, query, id, question, linked.Token).ConfigureAwait(false);
            }

            return exchange.Message is { } message
                ? Interpret(message, question, server, via, believeAd && _options.IsTrustedValidator(server.Address))
                : new DnsQueryOutcome { Status = DnsResponseStatus.Failure, Detail = exchange.Error ?? $"no answer from {server}" };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DnsQueryOutcome
            {
                Status = DnsResponseStatus.Timeout,
                Detail = string.Create(CultureInfo.InvariantCulture, $"no answer from {server}{via} within {attemptTimeout.TotalMilliseconds} ms"),
            };
        }
        catch (SocketException ex)
        {
            // E.g. ICMP port unreachable on the connected UDP socket, or a refused TCP connection.
            return new DnsQueryOutcome { Status = DnsResponseStatus.Failure, Detail = $"{server}{via}: {ex.SocketErrorCode} ({ex.Message})" };
        }
    }
}
