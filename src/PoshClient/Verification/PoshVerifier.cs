using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshClient.Names;
using PoshClient.Pkix;

namespace PoshClient.Verification;

/// <summary>
/// Retrieves POSH material for (domain, service) with caching (RFC 7711 §3, §6) and verifies presented
/// certificates against it.
/// </summary>
/// <remarks>
/// Thread-safe; use one instance per process (it owns the cache). With dependency injection, register it with
/// <c>services.AddPoshClient()</c>; without, use <see cref="Create"/>.
/// </remarks>
public sealed class PoshVerifier : IPoshVerifier, IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> that <c>AddPoshClient</c> registers.</summary>
    public const string HttpClientName = "PoshClient";

    private readonly PoshMaterialCache _cache;
    private readonly PoshClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly HttpClient? _ownedClient;
    private readonly PoshFailureReporter? _reporter;
    private readonly CertificateDigestCache _digests = new();

    /// <summary>Creates a verifier for dependency injection; <c>AddPoshClient</c> calls this.</summary>
    /// <param name="httpClientFactory">Provides the <see cref="HttpClientName"/> client, whose handler must not follow redirects (see <see cref="CreateHttpHandler"/>).</param>
    /// <param name="options">Validated options.</param>
    /// <param name="timeProvider">Clock for expiry, cache lifetimes and the lookup budget.</param>
    /// <param name="logger">Logger.</param>
    public PoshVerifier(IHttpClientFactory httpClientFactory, IOptions<PoshClientOptions> options, TimeProvider timeProvider, ILogger<PoshVerifier> logger)
        : this(() => httpClientFactory.CreateClient(HttpClientName), options?.Value!, timeProvider, logger, ownedClient: null)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
    }

    /// <summary>
    /// Creates a verifier over a caller-supplied <see cref="HttpClient"/>. Its handler must have
    /// <c>AllowAutoRedirect = false</c> (redirects are followed by hand to enforce RFC 7711 §10) and must validate
    /// web certificates normally; <see cref="CreateHttpHandler"/> builds such a handler. The client is not disposed.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public PoshVerifier(HttpClient httpClient, PoshClientOptions? options = null, TimeProvider? timeProvider = null, ILogger<PoshVerifier>? logger = null)
        : this(() => httpClient, options ?? new PoshClientOptions(), timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance, ownedClient: null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
    }

    private PoshVerifier(Func<HttpClient> httpClient, PoshClientOptions options, TimeProvider timeProvider, ILogger logger, HttpClient? ownedClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = PoshClientOptionsValidator.Collect(options);
        if (validation.Count > 0)
        {
            throw new ArgumentException("Invalid PoshClientOptions: " + string.Join("; ", validation), nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _ownedClient = ownedClient;
        _cache = new PoshMaterialCache(new PoshDocumentFetcher(httpClient, options, timeProvider, logger), options, timeProvider, logger);
        _reporter = options.FailureReportUrl is { } url ? new PoshFailureReporter(httpClient, url, options.FailureReporter, timeProvider, logger) : null;
    }

    /// <summary>
    /// Creates a verifier with its own <see cref="HttpClient"/> (built by <see cref="CreateHttpHandler"/>), for use
    /// without dependency injection. Dispose it to release the client.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public static PoshVerifier Create(PoshClientOptions? options = null, TimeProvider? timeProvider = null, ILogger<PoshVerifier>? logger = null)
    {
        options ??= new PoshClientOptions();
#pragma warning disable CA2000 // Ownership passes to the verifier, which disposes the client (and with it the handler).
        var client = new HttpClient(CreateHttpHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
        return new PoshVerifier(() => client, options, timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance, client);
    }

    /// <summary>
    /// Builds the handler POSH retrieval needs: no automatic redirects (they are followed by hand, https only, at
    /// most <see cref="PoshClientOptions.MaxRedirects"/>, RFC 7711 §10), no cookies, no proxy credentials, and web
    /// certificates validated normally (RFC 7711 §3 MUST) against the system store or
    /// <see cref="PoshClientOptions.WebChainPolicy"/>. Tests or hosts may add a <c>ConnectCallback</c>.
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler(PoshClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.LookupTimeout,
        };
        if (options.WebChainPolicy is { } policy)
        {
            TrustedRoots.Apply(handler, policy);
        }

        return handler;
    }

    /// <summary>Starts (or joins) a lookup of the material in the background, e.g. in parallel with DNS resolution (RFC 7711 §5).</summary>
    public void Prefetch(string domain, PoshService service)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!DomainName.TryParseQualified(domain, out var name))
        {
            return;
        }

        _ = PrefetchCoreAsync(name.Value, service);
    }

    /// <summary>
    /// Verifies <paramref name="certificate"/> for <paramref name="domain"/> by POSH only: a fingerprint match
    /// within the certificate's validity period. Cached material that does not match is refetched once.
    /// </summary>
    public async Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(certificate);
        using var activity = PoshClientActivities.Source.StartActivity(PoshClientActivities.Verify);
        activity?.SetTag("posh.domain", domain);
        activity?.SetTag("posh.service", service.ToName());
        if (!DomainName.TryParseQualified(domain, out var name))
        {
            activity?.SetTag("posh.outcome", nameof(PoshVerificationOutcome.NoPoshMaterial));
            return Log(new PoshVerificationResult
            {
                Outcome = PoshVerificationOutcome.NoPoshMaterial,
                Reason = $"POSH: \"{domain}\" is not a DNS domain name, so there is no POSH document to fetch",
                Domain = domain,
                Service = service,
                Certificate = certificate,
            });
        }

        var host = name.Value;
        var lookup = await _cache.GetAsync(host, service, bypassCache: false, cancellationToken).ConfigureAwait(false);
        var result = Evaluate(lookup.Result, certificate);
        if (result.Outcome == PoshVerificationOutcome.Mismatch
            && lookup.Result.FromCache
            && _timeProvider.GetUtcNow() - lookup.Result.FetchedAt >= _options.MinimumRefetchInterval)
        {
            // posh-spec C-19: the certificate may have rotated before our cached copy expired; refetch once.
            PoshVerifierLog.RefetchAfterMismatch(_logger, host, service.ToName());
            var refreshed = await _cache.RefreshAsync(lookup, cancellationToken).ConfigureAwait(false);
            var retried = Evaluate(refreshed.Result, certificate);
            result = retried with { Reason = "cached material did not match, refetched: " + retried.Reason };
        }

        // Failures the hoster can act on are reported (no material at all is not: the domain may simply not use POSH).
        if (_reporter is not null
            && result.Outcome is PoshVerificationOutcome.Mismatch or PoshVerificationOutcome.CertificateNotValidNow or PoshVerificationOutcome.InvalidMaterial
            && !_reporter.TryReport(result))
        {
            PoshVerifierLog.FailureReportDropped(_logger, host);
        }

        activity?.SetTag("posh.outcome", result.Outcome.ToString());
        return Log(result);
    }

    /// <summary>
    /// Returns the POSH material for (domain, service): the fingerprints document, its effective expiry, the trace of
    /// requests and whether it came from the cache. Expected failures (404, TLS errors, malformed documents, …) are
    /// results, not exceptions.
    /// </summary>
    public Task<PoshLookupResult> LookupAsync(string domain, PoshService service, CancellationToken cancellationToken = default) =>
        LookupAsync(domain, service, bypassCache: false, cancellationToken);

    /// <summary>
    /// As <see cref="LookupAsync(string, PoshService, CancellationToken)"/>; with <paramref name="bypassCache"/> the
    /// material is fetched afresh (e.g. for a self-check) and the fresh result replaces the cached one.
    /// </summary>
    public async Task<PoshLookupResult> LookupAsync(string domain, PoshService service, bool bypassCache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!DomainName.TryParseQualified(domain, out var name))
        {
            var now = _timeProvider.GetUtcNow();
            return new PoshLookupResult
            {
                Domain = domain,
                Service = service,
                Status = PoshLookupStatus.InvalidDomain,
                FetchedAt = now,
                CacheUntil = now,
                Trace = [],
                Reason = $"POSH: \"{domain}\" is not a DNS domain name, so there is no POSH document to fetch",
            };
        }

        var host = name.Value;
        var lookup = await _cache.GetAsync(host, service, bypassCache, cancellationToken).ConfigureAwait(false);
        return lookup.Result;
    }

    /// <summary>Stops sending failure reports and disposes the <see cref="HttpClient"/> created by <see cref="Create"/>, if any.</summary>
    public void Dispose()
    {
        _reporter?.Dispose();
        _ownedClient?.Dispose();
    }

    private PoshVerificationResult Evaluate(PoshLookupResult lookup, X509Certificate2 certificate)
    {
        var fetched = lookup.FromCache
            ? lookup.Reason + string.Create(CultureInfo.InvariantCulture, $" (cached since {lookup.FetchedAt:yyyy-MM-dd HH:mm:ss}Z)")
            : lookup.Reason;
        if (!lookup.IsFound)
        {
            var outcome = lookup.Status is PoshLookupStatus.Malformed or PoshLookupStatus.Invalid
                ? PoshVerificationOutcome.InvalidMaterial
                : PoshVerificationOutcome.NoPoshMaterial;
            return Result(outcome, $"{fetched} → no usable POSH material for {lookup.Domain}; fall back to PKIX (RFC 7712 §5.2)");
        }

        var document = lookup.Document!;
        var digests = _digests.For(certificate.RawDataMemory.Span);
        var match = PoshFingerprintMatcher.Match(document, digests);
        var presented = $"presented certificate {Subject(certificate)} sha-256 {digests.Sha256Base64}";
        if (!match.IsMatch)
        {
            var why = match.UsableDescriptors == 0
                ? "no descriptor carries a usable sha-256, sha-384 or sha-512 value, so nothing can match (RFC 7711 §3.3)"
                : "matches no descriptor";
            return Result(PoshVerificationOutcome.Mismatch, $"{fetched}; {presented} {why} → rejected for {lookup.Domain} unless PKIX or DANE succeeds (RFC 7711 §3.3)");
        }

        var matched = string.Create(CultureInfo.InvariantCulture, $"matches descriptor {match.DescriptorIndex + 1} ({match.Algorithm!.Value.ToName()})");
        var now = _timeProvider.GetUtcNow();
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (now < notBefore || now > notAfter)
        {
            // RFC 7711 §6: a client MUST NOT consider an expired certificate valid, whatever "expires" says.
            var when = now < notBefore
                ? string.Create(CultureInfo.InvariantCulture, $"is not valid before {notBefore:yyyy-MM-dd HH:mm:ss}Z")
                : string.Create(CultureInfo.InvariantCulture, $"expired at {notAfter:yyyy-MM-dd HH:mm:ss}Z");
            return Result(PoshVerificationOutcome.CertificateNotValidNow, $"{fetched}; {presented} {matched} but {when} → rejected for {lookup.Domain} (RFC 7711 §6)");
        }

        return Result(
            PoshVerificationOutcome.VerifiedByPosh,
            string.Create(CultureInfo.InvariantCulture, $"{fetched}; {presented} {matched}; valid until {notAfter:yyyy-MM-dd} → accepted for {lookup.Domain}"));

        PoshVerificationResult Result(PoshVerificationOutcome outcome, string reason) => new()
        {
            Outcome = outcome,
            Reason = reason,
            Domain = lookup.Domain,
            Service = lookup.Service,
            Certificate = certificate,
        };
    }

    private static string Subject(X509Certificate2 certificate) =>
        string.IsNullOrEmpty(certificate.Subject) ? "(empty subject)" : certificate.Subject;

    private PoshVerificationResult Log(PoshVerificationResult result)
    {
        var service = result.Service.ToName();
        switch (result.Outcome)
        {
            case PoshVerificationOutcome.VerifiedByPosh:
                PoshVerifierLog.Verified(_logger, result.Domain, service, result.Reason);
                break;
            case PoshVerificationOutcome.NoPoshMaterial or PoshVerificationOutcome.InvalidMaterial:
                PoshVerifierLog.NoMaterial(_logger, result.Domain, service, result.Outcome, result.Reason);
                break;
            default:
                PoshVerifierLog.Rejected(_logger, result.Domain, service, result.Outcome, result.Reason);
                break;
        }

        return result;
    }

    private async Task PrefetchCoreAsync(string host, PoshService service)
    {
        try
        {
            await _cache.GetAsync(host, service, bypassCache: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Fire-and-forget: nobody awaits this task, so an unexpected failure is logged here; VerifyAsync
            // retries the lookup and surfaces it to its caller.
            PoshVerifierLog.PrefetchFailed(_logger, host, service.ToName(), ex);
        }
    }
}
