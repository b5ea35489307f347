using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using PoshClient.Pkix;

namespace PoshServer.Acme;

/// <summary>
/// The ACME transport (RFC 8555 §6): directory discovery, a nonce pool fed by every response, signed POSTs with
/// <c>badNonce</c> retries, problem documents, and the one account all names share.
/// </summary>
internal sealed class AcmeClient : IDisposable
{
    private const int MaxPooledNonces = 32;
    private static readonly MediaTypeHeaderValue s_joseJson = new("application/jose+json");
    private readonly HttpClient _http;
    private readonly AcmeOptions _options;
    private readonly AcmeStorage _storage;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AcmeClient> _logger;
    private readonly ConcurrentQueue<string> _nonces = new();
    private readonly SemaphoreSlim _accountGate = new(1, 1);
    private readonly X509ChainPolicy? _trustedRoots;
    private AcmeDirectory? _directory;
    private Uri? _accountUrl;

    public AcmeClient(IOptions<AcmeOptions> options, AcmeStorage storage, TimeProvider timeProvider, ILogger<AcmeClient> logger)
    {
        _options = options.Value;
        _storage = storage;
        _timeProvider = timeProvider;
        _logger = logger;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (_options.TrustedRootPath is { } rootPath)
        {
            // Trust exactly the configured root for the ACME server (a private CA such as Pebble), not the system store.
            _trustedRoots = TrustedRoots.LoadPemFile(rootPath);
            TrustedRoots.Apply(handler, _trustedRoots);
        }

        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PoshServer", "1.0"));
    }

    public Task<AcmeAccountKey> GetAccountKeyAsync(CancellationToken cancellationToken = default) => _storage.GetOrCreateAccountKeyAsync(cancellationToken);

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _directory) is { } cached)
        {
            return cached;
        }

        using var response = await SendUnsignedAsync(HttpMethod.Get, _options.DirectoryUrl, cancellationToken);
        var body = await ReadSuccessAsync(response, cancellationToken);
        var directory = Deserialize(body, AcmeJsonContext.Default.AcmeDirectory);
        Volatile.Write(ref _directory, directory);
        return directory;
    }

    /// <summary>The account URL (the <c>kid</c>): stored, or registered once with the persisted key (RFC 8555 §7.3).</summary>
    public async Task<Uri> EnsureAccountAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _accountUrl) is { } known)
        {
            return known;
        }

        await _accountGate.WaitAsync(cancellationToken);
        try
        {
            if (_accountUrl is { } raced)
            {
                return raced;
            }

            if (await _storage.LoadAccountAsync(cancellationToken) is { } stored && stored.DirectoryUrl == _options.DirectoryUrl)
            {
                _accountUrl = stored.AccountUrl;
                return stored.AccountUrl;
            }

            var directory = await GetDirectoryAsync(cancellationToken);
            if (!_options.AcceptTermsOfService)
            {
                throw new AcmeException(
                    $"Refusing to create an ACME account at {_options.DirectoryUrl}: the terms of service ({directory.Meta?.TermsOfService?.AbsoluteUri ?? "see the CA"}) " +
                    "have not been accepted. Read them and set Acme:AcceptTermsOfService to true.");
            }

            if (directory.Meta?.ExternalAccountRequired == true && _options.ExternalAccountKeyId is null)
            {
                throw new AcmeException(
                    $"The CA at {_options.DirectoryUrl} requires external account binding: set Acme:ExternalAccountKeyId and Acme:ExternalAccountHmacKey.");
            }

            var key = await GetAccountKeyAsync(cancellationToken);
            var payload = AcmeJws.WriteObject(writer =>
            {
                writer.WriteBoolean("termsOfServiceAgreed", true);
                if (_options.Contact.Count > 0)
                {
                    writer.WriteStartArray("contact");
                    foreach (var contact in _options.Contact)
                    {
                        writer.WriteStringValue(contact);
                    }

                    writer.WriteEndArray();
                }

                if (_options is { ExternalAccountKeyId: { } eabKid, ExternalAccountHmacKey: { } eabMac })
                {
                    writer.WritePropertyName("externalAccountBinding");
                    writer.WriteRawValue(AcmeJws.SignExternalAccountBinding(key, eabKid, System.Buffers.Text.Base64Url.DecodeFromChars(eabMac), directory.NewAccount));
                }
            });

            var response = await SendSignedAsync(directory.NewAccount, payload, keyId: null, accept: null, cancellationToken);
            var accountUrl = response.Location ?? throw new AcmeException("The newAccount response has no Location header (RFC 8555 §7.3).");
            await _storage.SaveAccountAsync(new AcmeAccountRecord { DirectoryUrl = _options.DirectoryUrl, AccountUrl = accountUrl }, cancellationToken);
            _logger.AccountReady(accountUrl, response.StatusCode == HttpStatusCode.Created);
            _accountUrl = accountUrl;
            return accountUrl;
        }
        finally
        {
            _accountGate.Release();
        }
    }

    /// <summary>A POST signed with the account's <c>kid</c>; an empty payload is a POST-as-GET (RFC 8555 §6.3).</summary>
    public async Task<AcmeResponse> PostAsync(Uri url, byte[] payload, string? accept = null, CancellationToken cancellationToken = default)
    {
        var accountUrl = await EnsureAccountAsync(cancellationToken);
        try
        {
            return await SendSignedAsync(url, payload, accountUrl, accept, cancellationToken);
        }
        catch (AcmeException ex) when (ex.Problem.Is("accountDoesNotExist"))
        {
            // The CA lost the account (a test CA restarted, or it was deactivated): register the same key again, once.
            _logger.AccountForgotten(accountUrl);
            Interlocked.CompareExchange(ref _accountUrl, null, accountUrl);
            await _storage.DeleteAccountAsync(cancellationToken);
            accountUrl = await EnsureAccountAsync(cancellationToken);
            return await SendSignedAsync(url, payload, accountUrl, accept, cancellationToken);
        }
    }

    /// <summary>
    /// The account's orders (RFC 8555 §7.1.2.1), following <c>Link: rel="next"</c> pages, at most
    /// <paramref name="maxPages"/>; empty when the CA offers no orders list.
    /// </summary>
    public async Task<IReadOnlyList<Uri>> ListOrdersAsync(int maxPages = 100, CancellationToken cancellationToken = default)
    {
        var accountUrl = await EnsureAccountAsync(cancellationToken);

        // POST-as-GET reads the account (RFC 8555 §6.3, §7.1.2); Boulder only answers an empty update, which Pebble refuses.
        AcmeResponse response;
        try
        {
            response = await PostAsync(accountUrl, [], accept: null, cancellationToken);
        }
        catch (AcmeException ex) when (ex.Problem.Is("malformed"))
        {
            response = await PostAsync(accountUrl, "{}"u8.ToArray(), accept: null, cancellationToken);
        }

        var account = ReadJson(response, AcmeJsonContext.Default.AcmeAccount);
        var orders = new List<Uri>();
        for (var (url, pages) = (account.Orders, 0); url is not null && pages < maxPages; pages++)
        {
            var page = await PostAsync(url, [], accept: null, cancellationToken);
            orders.AddRange(ReadJson(page, AcmeJsonContext.Default.AcmeOrdersList).Orders);
            url = page.NextLink;
        }

        return orders;
    }

    public async Task<T> PostAsync<T>(Uri url, byte[] payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync(url, payload, accept: null, cancellationToken);
        return ReadJson(response, typeInfo);
    }

    public static T ReadJson<T>(AcmeResponse response, JsonTypeInfo<T> typeInfo)
    {
        // Media types are parsed, not compared as strings: Pebble sends "application/json; charset=utf-8".
        if (!string.Equals(response.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new AcmeException($"Expected application/json from the CA, got '{response.MediaType}'.");
        }

        return Deserialize(response.Body, typeInfo);
    }

    public void Dispose()
    {
        _http.Dispose();
        _accountGate.Dispose();
        foreach (var root in _trustedRoots?.CustomTrustStore ?? [])
        {
            root.Dispose();
        }
    }

    private async Task<AcmeResponse> SendSignedAsync(Uri url, byte[] payload, Uri? keyId, string? accept, CancellationToken cancellationToken)
    {
        var key = await GetAccountKeyAsync(cancellationToken);
        string? nonce = null;
        for (var attempt = 1; ; attempt++)
        {
            nonce ??= await TakeNonceAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new ByteArrayContent(AcmeJws.Sign(key, keyId?.AbsoluteUri, nonce, url, payload));

            // Exactly "application/jose+json", no charset (RFC 8555 §6.2; Pebble compares the bytes).
            request.Content.Headers.ContentType = s_joseJson;
            if (accept is not null)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            }

            using var response = await SendAsync(request, cancellationToken, poolNonce: false);
            var replayNonce = ReplayNonce(response);
            if (response.IsSuccessStatusCode)
            {
                PoolNonce(replayNonce);
                return await ToResponseAsync(response, cancellationToken);
            }

            var error = await ToExceptionAsync(response, cancellationToken);

            // RFC 8555 §6.5: retry a badNonce with the fresh nonce the error response carried (older pooled nonces
            // may all be stale, e.g. after the CA restarted), a bounded number of times.
            if (error.Problem.Is("badNonce") && attempt <= _options.BadNonceRetries)
            {
                _logger.BadNonceRetry(url, attempt);
                _nonces.Clear();
                nonce = replayNonce;
                continue;
            }

            PoolNonce(replayNonce);
            throw error;
        }
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        if (_nonces.TryDequeue(out var pooled))
        {
            return pooled;
        }

        var directory = await GetDirectoryAsync(cancellationToken);
        using var response = await SendUnsignedAsync(HttpMethod.Head, directory.NewNonce, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }

        return _nonces.TryDequeue(out var fresh) ? fresh : throw new AcmeException($"{directory.NewNonce} returned no Replay-Nonce (RFC 8555 §7.2).");
    }

    private async Task<HttpResponseMessage> SendUnsignedAsync(HttpMethod method, Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        return await SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool poolNonce = true)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // The CA may come back changed (new nonces, new directory): start afresh next time.
            Volatile.Write(ref _directory, null);
            _nonces.Clear();
            throw;
        }

        if (poolNonce)
        {
            PoolNonce(ReplayNonce(response));
        }

        return response;
    }

    // RFC 8555 §7.1.2.1: further pages of a list come as Link: <url>;rel="next" (RFC 8288).
    private static Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>')
                && parts.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
                && Uri.TryCreate(response.RequestMessage!.RequestUri!, parts[0][1..^1], out var next))
            {
                return next;
            }
        }

        return null;
    }

    // RFC 8555 §6.5: every response, errors included, may carry a fresh nonce.
    private static string? ReplayNonce(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Replay-Nonce", out var values) ? values.FirstOrDefault() : null;

    private void PoolNonce(string? nonce)
    {
        if (nonce is not null && _nonces.Count < MaxPooledNonces)
        {
            _nonces.Enqueue(nonce);
        }
    }

    private async Task<byte[]> ReadSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private async Task<AcmeResponse> ToResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken) => new()
    {
        StatusCode = response.StatusCode,
        Location = response.Headers.Location is { } location ? new Uri(response.RequestMessage!.RequestUri!, location) : null,
        NextLink = NextLink(response),
        RetryAfter = RetryAfter(response),
        MediaType = response.Content.Headers.ContentType?.MediaType,
        Body = await response.Content.ReadAsByteArrayAsync(cancellationToken),
    };

    private async Task<AcmeException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        AcmeProblem? problem = null;
        if (string.Equals(response.Content.Headers.ContentType?.MediaType, "application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = JsonSerializer.Deserialize(body, AcmeJsonContext.Default.AcmeProblem);
            }
            catch (JsonException)
            {
                // Fall through to the generic description.
            }
        }

        problem ??= new AcmeProblem
        {
            Status = (int)response.StatusCode,
            Detail = $"HTTP {(int)response.StatusCode} from {response.RequestMessage?.RequestUri}",
        };
        return new AcmeException(problem, response.StatusCode, RetryAfter(response));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static T Deserialize<T>(byte[] body, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw new AcmeException($"The CA sent an empty {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new AcmeException($"The CA sent a malformed {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
