using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using PoshClient.Verification;

namespace PoshClient.Documents;

/// <summary>
/// Performs one POSH lookup (RFC 7711 §3): GET the well-known document over CA-validated HTTPS, follow https-only
/// redirects by hand (§10), follow at most one <c>url</c> reference (§3.2), and combine the <c>expires</c>
/// values (§6). Every expected failure becomes a <see cref="PoshLookupResult"/>; only the caller's cancellation throws.
/// </summary>
/// <remarks>
/// The redirect limit applies per request chain: the source-domain GET and the <c>url</c> GET may each follow
/// <see cref="PoshClientOptions.MaxRedirects"/>. RFC 7711 §10 counts redirects per retrieval, and a reference is
/// a second retrieval; the single time budget still bounds the whole lookup.
/// </remarks>
internal sealed class PoshDocumentFetcher
{
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");

    private readonly Func<HttpClient> _httpClient;
    private readonly PoshClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public PoshDocumentFetcher(Func<HttpClient> httpClient, PoshClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Looks up the material for an already normalised A-label domain.</summary>
    public async Task<PoshLookupResult> FetchAsync(string domain, PoshService service, CancellationToken cancellationToken)
    {
        var fetchedAt = _timeProvider.GetUtcNow();
        var trace = new List<PoshFetchStep>();
        var warnings = new List<string>();
        using var budget = new CancellationTokenSource(_options.LookupTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var context = new FetchContext(trace, warnings, linked.Token, cancellationToken);

        var source = new Uri("https://" + domain + service.WellKnownPath());
        var (status, conclusion, document, effective) = await LookupCoreAsync(source, context).ConfigureAwait(false);

        var reason = RenderReason(trace, conclusion);
        PoshVerifierLog.LookupCompleted(_logger, domain, service.ToName(), status, reason);
        return new PoshLookupResult
        {
            Domain = domain,
            Service = service,
            Status = status,
            Document = document,
            EffectiveExpires = effective,
            FetchedAt = fetchedAt,
            CacheUntil = fetchedAt,
            Trace = trace,
            Warnings = warnings,
            Reason = reason,
        };
    }

    internal static string RenderReason(IReadOnlyList<PoshFetchStep> trace, string? conclusion)
    {
        var text = trace.Count == 0
            ? "POSH: nothing fetched"
            : "POSH: fetched " + trace[0].Url.AbsoluteUri + " → " + string.Join(" → ", trace);
        return conclusion is null ? text : text + "; " + conclusion;
    }

    private async Task<(PoshLookupStatus Status, string? Conclusion, FingerprintsDocument? Document, long? Effective)> LookupCoreAsync(Uri source, FetchContext context)
    {
        var (failure, first) = await RequestChainAsync(source, context).ConfigureAwait(false);
        if (failure is { } firstFailure)
        {
            return (firstFailure, null, null, null);
        }

        if (first!.Fingerprints is { } direct)
        {
            return direct.Expires == 0
                ? (PoshLookupStatus.Invalid, "expires 0: the material MUST be treated as invalid (RFC 7711 §3.1)", null, 0)
                : (PoshLookupStatus.Found, null, direct, direct.Expires);
        }

        var reference = first.Reference!;
        if (reference.Expires == 0)
        {
            // RFC 7711 §3.2: 0 means the delegation is invalid; there is no point fetching its target.
            return (PoshLookupStatus.Invalid, "reference expires 0: the delegation MUST be treated as invalid (RFC 7711 §3.2)", null, 0);
        }

        var (secondFailure, second) = await RequestChainAsync(reference.Url, context).ConfigureAwait(false);
        if (secondFailure is { } targetFailure)
        {
            return (targetFailure, "the referenced fingerprints document could not be retrieved", null, null);
        }

        if (second!.Fingerprints is not { } target)
        {
            // RFC 7711 §3.2: the document at "url" MUST NOT itself be a reference (no circular delegations).
            return (PoshLookupStatus.Invalid, "the referenced document is itself a reference (RFC 7711 §3.2 MUST NOT)", null, null);
        }

        // RFC 7711 §6: the client MUST use the lower of the two "expires" values.
        var effective = Math.Min(reference.Expires, target.Expires);
        return target.Expires == 0
            ? (PoshLookupStatus.Invalid, "expires 0: the material MUST be treated as invalid (RFC 7711 §3.1)", null, 0)
            : (PoshLookupStatus.Found, null, target, effective);
    }

    /// <summary>GETs <paramref name="start"/>, following up to MaxRedirects https redirects, and reads the document.</summary>
    private async Task<(PoshLookupStatus? Failure, PoshDocumentReadResult? Document)> RequestChainAsync(Uri start, FetchContext context)
    {
        var url = start;
        for (var redirects = 0; ; redirects++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(s_json);

                // RFC 7711 §6: clients SHOULD NOT rely on HTTP caching (posh-spec C-29).
                request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
                using var response = await _httpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    var (next, refusal) = CheckRedirect(url, response.Headers.Location, redirects);
                    if (next is null)
                    {
                        context.Add(url, status, refusal!);
                        return (PoshLookupStatus.RedirectRejected, null);
                    }

                    // RFC 7711 §10: clients MAY treat every redirect as temporary, so nothing about it is remembered.
                    context.Add(url, status, "redirect to " + next.AbsoluteUri);
                    url = next;
                    continue;
                }

                if (status == 404)
                {
                    context.Add(url, status, "not found: no POSH material (RFC 7711 §3)");
                    return (PoshLookupStatus.NotFound, null);
                }

                if (status != 200)
                {
                    context.Add(url, status, (response.ReasonPhrase ?? "unexpected status") + ": no POSH material");
                    return (PoshLookupStatus.HttpError, null);
                }

                return await ReadDocumentAsync(url, response.Content, context).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                context.Add(url, null, "connection failed: " + Describe(ex));
                return (PoshLookupStatus.Unreachable, null);
            }
            catch (IOException ex)
            {
                context.Add(url, null, "reading the response failed: " + Describe(ex));
                return (PoshLookupStatus.Unreachable, null);
            }
            catch (OperationCanceledException) when (!context.CallerToken.IsCancellationRequested)
            {
                context.Add(url, null, string.Create(CultureInfo.InvariantCulture, $"timed out: the lookup budget of {_options.LookupTimeout.TotalSeconds:0.###} s ran out"));
                return (PoshLookupStatus.Unreachable, null);
            }
        }
    }

    private (Uri? Next, string? Refusal) CheckRedirect(Uri url, Uri? location, int redirectsSoFar)
    {
        if (location is null)
        {
            return (null, "redirect without a Location header");
        }

        var next = location.IsAbsoluteUri ? location : new Uri(url, location);
        if (!string.Equals(next.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
        {
            // RFC 7711 §10: the Location MUST be an HTTPS URI.
            return (null, $"redirect to {next.OriginalString} refused: not https (RFC 7711 §10)");
        }

        if (redirectsSoFar >= _options.MaxRedirects)
        {
            // RFC 7711 §10: clients are RECOMMENDED to follow no more than 10 redirects.
            return (null, string.Create(CultureInfo.InvariantCulture, $"redirect to {next.AbsoluteUri} refused: more than {_options.MaxRedirects} redirects (RFC 7711 §10)"));
        }

        return (next, null);
    }

    private async Task<(PoshLookupStatus? Failure, PoshDocumentReadResult? Document)> ReadDocumentAsync(Uri url, HttpContent content, FetchContext context)
    {
        var cap = _options.MaxDocumentBytes;
        if (content.Headers.ContentLength is { } announced && announced > cap)
        {
            context.Add(url, 200, string.Create(CultureInfo.InvariantCulture, $"body of {announced} bytes exceeds the cap of {cap} bytes"));
            return (PoshLookupStatus.TooLarge, null);
        }

        // The cap is enforced on the bytes actually read: Content-Length may be absent or lie.
        var buffer = new byte[Math.Min(cap + 1, 4096)];
        var total = 0;
        var stream = await content.ReadAsStreamAsync(context.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > cap)
                    {
                        break;
                    }

                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, cap + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), context.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }

        if (total > cap)
        {
            context.Add(url, 200, string.Create(CultureInfo.InvariantCulture, $"body exceeds the cap of {cap} bytes"), total);
            return (PoshLookupStatus.TooLarge, null);
        }

        if (total == 0)
        {
            context.Add(url, 200, "empty body: no POSH material");
            return (PoshLookupStatus.HttpError, null);
        }

        var document = PoshDocumentReader.Read(buffer.AsSpan(0, total));
        context.Warnings.AddRange(document.Warnings.Select(w => url.AbsoluteUri + ": " + w));
        switch (document.Kind)
        {
            case PoshDocumentKind.Fingerprints:
                var fingerprints = document.Fingerprints!;
                var count = fingerprints.Fingerprints.Count;
                var usable = fingerprints.Fingerprints.Count(d => !d.Hashes.IsEmpty);
                var usableText = usable == count ? "" : string.Create(CultureInfo.InvariantCulture, $", {usable} usable");
                context.Add(url, 200, string.Create(CultureInfo.InvariantCulture, $"fingerprints ({count} descriptor{(count == 1 ? "" : "s")}{usableText}, expires {fingerprints.Expires})"), total, fingerprints.Expires);
                return (null, document);
            case PoshDocumentKind.Reference:
                var reference = document.Reference!;
                context.Add(url, 200, string.Create(CultureInfo.InvariantCulture, $"reference to {reference.Url.AbsoluteUri} (expires {reference.Expires})"), total, reference.Expires);
                return (null, document);
            default:
                context.Add(url, 200, "malformed document: " + document.Error, total);
                return (PoshLookupStatus.Malformed, null);
        }
    }

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        var text = string.Join(": ", messages.Distinct(StringComparer.Ordinal));
        return ex is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http
            ? $"{http.HttpRequestError}: {text}"
            : text;
    }

    private sealed record FetchContext(List<PoshFetchStep> Trace, List<string> Warnings, CancellationToken Token, CancellationToken CallerToken)
    {
        public void Add(Uri url, int? status, string outcome, long bytes = 0, long? expires = null) =>
            Trace.Add(new PoshFetchStep { Url = url, StatusCode = status, Outcome = outcome, Bytes = bytes, Expires = expires });
    }
}
