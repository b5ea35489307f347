using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;
using PoshServer.Cluster;
using PoshServer.Telemetry;

namespace PoshServer.Acme;

/// <summary>
/// One certificate for one host name (RFC 8555 §7.4): order, http-01 authorization, finalize with a CSR for a fresh
/// P-256 key, poll, download the chain, store. The order URL and the new key are persisted before they are used, so a
/// process killed at any point resumes the same order on the next attempt.
/// </summary>
internal sealed class AcmeIssuer
{
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_maxPoll = TimeSpan.FromSeconds(5);
    private readonly AcmeClient _client;
    private readonly AcmeStorage _storage;
    private readonly AcmeMetrics _metrics;
    private readonly AcmeOptions _options;
    private readonly ILogger<AcmeIssuer> _logger;
    private readonly TimeProvider _timeProvider;

    public AcmeIssuer(AcmeClient client, AcmeStorage storage, AcmeMetrics metrics, IOptions<AcmeOptions> options, TimeProvider timeProvider, ILogger<AcmeIssuer> logger)
    {
        _timeProvider = timeProvider;
        _client = client;
        _storage = storage;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Called at each step; tests use it to interrupt an issuance between steps.</summary>
    internal Func<string, AcmeIssuanceStep, CancellationToken, Task>? StepObserver { get; set; }

    /// <param name="hostName">The name to certify.</param>
    /// <param name="fence">The name's cluster lock: every write is refused once it is lost (another replica took over).</param>
    /// <param name="cancellationToken">Cancels the issuance.</param>
    public async Task<AcmeStoredCertificate> IssueAsync(string hostName, IClusterLock? fence = null, CancellationToken cancellationToken = default)
    {
        using var activity = PoshServerActivities.Source.StartActivity(PoshServerActivities.AcmeOrder);
        activity?.SetTag("acme.host_name", hostName);
        try
        {
            return await IssueCoreAsync(hostName, fence, cancellationToken);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private async Task<AcmeStoredCertificate> IssueCoreAsync(string hostName, IClusterLock? fence, CancellationToken cancellationToken)
    {
        // The issuance timeout bounds polling that paces against the CA's real clock (see DelayAsync), so it is real time too.
        using var issuance = new CancellationTokenSource(_options.IssuanceTimeout, TimeProvider.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, issuance.Token);
        var token = timeout.Token;

        var (orderUrl, order, retryAfter) = await ResumeOrCreateOrderAsync(hostName, fence, token);
        using var key = await _storage.GetOrCreatePendingKeyAsync(hostName, fence, token);
        var finalized = false;
        var polls = 0;
        while (true)
        {
            switch (order.Status)
            {
                case "pending":
                    await AuthorizeAsync(hostName, order, token);
                    await ObserveAsync(hostName, AcmeIssuanceStep.Authorized, token);
                    break;
                case "ready" when !finalized:
                    await FinalizeAsync(hostName, order, key, token);
                    finalized = true;
                    await ObserveAsync(hostName, AcmeIssuanceStep.Finalized, token);
                    break;
                case "ready" or "processing":
                    // RFC 8555 §7.4: after finalize the order may still read "ready" (a race) or "processing": poll, never finalize twice.
                    await DelayAsync(retryAfter, polls++, token);
                    break;
                case "valid":
                    var certificate = await DownloadAsync(hostName, order, key, fence, token);
                    await ObserveAsync(hostName, AcmeIssuanceStep.Downloaded, token);
                    return certificate;
                default:
                    throw new AcmeException(order.Error ?? new AcmeProblem { Detail = $"The order for {hostName} is {order.Status}." });
            }

            (order, retryAfter) = await GetOrderAsync(orderUrl, token);
        }
    }

    private async Task<(Uri Url, AcmeOrder Order, TimeSpan? RetryAfter)> ResumeOrCreateOrderAsync(string hostName, IClusterLock? fence, CancellationToken cancellationToken)
    {
        var state = await _storage.LoadStateAsync(hostName, cancellationToken) ?? new AcmeNameState { HostName = hostName };
        if (state.PendingOrderUrl is { } pendingUrl && await TryResumeAsync(hostName, pendingUrl, unrecorded: false, cancellationToken) is { } resumed)
        {
            return resumed;
        }

        if (state.PendingOrderUrl is null && state.OrderIntentAt is not null)
        {
            // Killed after asking for an order and before recording it: the CA may have made one (issue 13 item 8).
            foreach (var candidate in await FindOrdersAsync(hostName, cancellationToken))
            {
                if (await TryResumeAsync(hostName, candidate, unrecorded: true, cancellationToken) is { } found)
                {
                    await _storage.SaveStateAsync(state with { PendingOrderUrl = candidate, OrderIntentAt = null }, fence, cancellationToken);
                    _logger.OrderRecovered(hostName, candidate);
                    return found;
                }
            }
        }

        var directory = await _client.GetDirectoryAsync(cancellationToken);
        var payload = AcmeJws.WriteObject(writer =>
        {
            writer.WriteStartArray("identifiers");
            writer.WriteStartObject();
            writer.WriteString("type", "dns");
            writer.WriteString("value", hostName);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

        // A new order gets a new key: replace any pending key, and record the intent, before the request goes out.
        await _storage.DeletePendingKeyAsync(hostName, fence, cancellationToken);
        using (await _storage.GetOrCreatePendingKeyAsync(hostName, fence, cancellationToken))
        {
        }

        state = state with { PendingOrderUrl = null, OrderIntentAt = _timeProvider.GetUtcNow() };
        await _storage.SaveStateAsync(state, fence, cancellationToken);
        var response = await _client.PostAsync(directory.NewOrder, payload, accept: null, cancellationToken);
        _metrics.OrderCreated();
        var orderUrl = response.Location ?? throw new AcmeException("The newOrder response has no Location header (RFC 8555 §7.4).");
        var order = AcmeClient.ReadJson(response, AcmeJsonContext.Default.AcmeOrder);
        await ObserveAsync(hostName, AcmeIssuanceStep.OrderRequested, cancellationToken);

        // Recorded as soon as the response arrives; only a kill inside this one write leaves an unrecorded order,
        // and the intent above makes the next attempt look for it.
        await _storage.SaveStateAsync(state with { PendingOrderUrl = orderUrl, OrderIntentAt = null }, fence, cancellationToken);
        _logger.OrderCreated(hostName, orderUrl);
        await ObserveAsync(hostName, AcmeIssuanceStep.OrderCreated, cancellationToken);
        return (orderUrl, order, response.RetryAfter);
    }

    /// <param name="hostName">The name the order must be for (and nothing else).</param>
    /// <param name="orderUrl">The order.</param>
    /// <param name="unrecorded">
    /// An order found in the list, not one we recorded: only "pending" or "ready" can be the lost one, because finalize
    /// only ever follows recording; a "valid" one is an earlier certificate, for another key.
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    private async Task<(Uri Url, AcmeOrder Order, TimeSpan? RetryAfter)?> TryResumeAsync(string hostName, Uri orderUrl, bool unrecorded, CancellationToken cancellationToken)
    {
        try
        {
            var (pending, retryAfter) = await GetOrderAsync(orderUrl, cancellationToken);
            if ((unrecorded ? pending.Status is "pending" or "ready" : pending.Status is "pending" or "ready" or "processing" or "valid")
                && pending.Identifiers is [{ Type: "dns" } identifier] && string.Equals(identifier.Value, hostName, StringComparison.OrdinalIgnoreCase))
            {
                _logger.OrderResumed(hostName, orderUrl, pending.Status);
                return (orderUrl, pending, retryAfter);
            }
        }
        catch (AcmeException ex) when (ex.Problem.Is("malformed") || ex.StatusCode is System.Net.HttpStatusCode.NotFound)
        {
            // The CA no longer knows the order (expired or a restarted test CA): start a new one.
        }

        return null;
    }

    /// <summary>The account's orders, newest first (lists are in creation order at Pebble and Boulder); empty when the CA has no list.</summary>
    private async Task<IReadOnlyList<Uri>> FindOrdersAsync(string hostName, CancellationToken cancellationToken)
    {
        try
        {
            var orders = await _client.ListOrdersAsync(cancellationToken: cancellationToken);
            return [.. orders.Reverse()];
        }
        catch (AcmeException ex)
        {
            // No orders list (Let's Encrypt does not offer one): the remaining window is the one write after the response.
            _logger.OrdersListUnavailable(hostName, ex.Problem.Describe());
            return [];
        }
    }

    private async Task AuthorizeAsync(string hostName, AcmeOrder order, CancellationToken cancellationToken)
    {
        foreach (var authorizationUrl in order.Authorizations)
        {
            var (authorization, retryAfter) = await GetAuthorizationAsync(authorizationUrl, cancellationToken);
            if (string.Equals(authorization.Status, "valid", StringComparison.Ordinal))
            {
                // Reused authorization (RFC 8555 §7.1.4; Pebble reuses half of them by default).
                continue;
            }

            var challenge = authorization.Challenges.FirstOrDefault(c => string.Equals(c.Type, "http-01", StringComparison.Ordinal))
                ?? throw new AcmeException($"The CA offers no http-01 challenge for {hostName}.");
            if (string.Equals(challenge.Status, "pending", StringComparison.Ordinal))
            {
                // RFC 8555 §7.5.1: an empty JSON object asks the CA to validate. The responder answers statelessly.
                await _client.PostAsync(challenge.Url, "{}"u8.ToArray(), accept: null, cancellationToken);
                _logger.ChallengeTriggered(hostName, challenge.Url);
            }

            for (var polls = 0; authorization.Status is "pending"; polls++)
            {
                await DelayAsync(retryAfter, polls, cancellationToken);
                (authorization, retryAfter) = await GetAuthorizationAsync(authorizationUrl, cancellationToken);
            }

            if (!string.Equals(authorization.Status, "valid", StringComparison.Ordinal))
            {
                var error = authorization.Challenges.Select(c => c.Error).FirstOrDefault(e => e is not null);
                throw new AcmeException(error ?? new AcmeProblem { Detail = $"The authorization for {hostName} is {authorization.Status}." });
            }
        }
    }

    private async Task FinalizeAsync(string hostName, AcmeOrder order, ECDsa key, CancellationToken cancellationToken)
    {
        var finalizeUrl = order.Finalize ?? throw new AcmeException($"The order for {hostName} has no finalize URL.");

        // A CSR for the new key (never the account key), with the name as a SAN dNSName (RFC 8555 §7.4).
        var subject = hostName.Length <= 64 ? new X500DistinguishedName("CN=" + hostName) : new X500DistinguishedName(string.Empty);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        request.CertificateExtensions.Add(san.Build());
        var csr = Base64Url.EncodeToString(request.CreateSigningRequest());
        try
        {
            await _client.PostAsync(finalizeUrl, AcmeJws.WriteObject(writer => writer.WriteString("csr", csr)), accept: null, cancellationToken);
        }
        catch (AcmeException ex) when (ex.Problem.Is("orderNotReady"))
        {
            // The order moved on (another attempt finalized it, or a race): re-read it instead of failing (certbot#10239).
        }
    }

    private async Task<AcmeStoredCertificate> DownloadAsync(string hostName, AcmeOrder order, ECDsa key, IClusterLock? fence, CancellationToken cancellationToken)
    {
        var certificateUrl = order.Certificate ?? throw new AcmeException($"The valid order for {hostName} has no certificate URL.");
        var response = await _client.PostAsync(certificateUrl, [], "application/pem-certificate-chain", cancellationToken);
        if (!string.Equals(response.MediaType, "application/pem-certificate-chain", StringComparison.OrdinalIgnoreCase))
        {
            throw new AcmeException($"Expected application/pem-certificate-chain (RFC 8555 §9.1), got '{response.MediaType}'.");
        }

        var pem = Encoding.UTF8.GetString(response.Body);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        if (chain.Count == 0 || !AcmeStorage.Matches(chain[0], key) || !chain[0].MatchesHostname(hostName))
        {
            throw new AcmeException($"The certificate the CA issued for {hostName} does not match the name or the key of the request.");
        }

        foreach (var certificate in chain)
        {
            certificate.Dispose();
        }

        await _storage.InstallCertificateAsync(hostName, pem, fence, cancellationToken);
        return await _storage.LoadCertificateAsync(hostName, cancellationToken) ?? throw new AcmeException($"The stored certificate for {hostName} could not be read back.");
    }

    private async Task<(AcmeOrder Order, TimeSpan? RetryAfter)> GetOrderAsync(Uri orderUrl, CancellationToken cancellationToken)
    {
        var response = await _client.PostAsync(orderUrl, [], accept: null, cancellationToken);
        return (AcmeClient.ReadJson(response, AcmeJsonContext.Default.AcmeOrder), response.RetryAfter);
    }

    private async Task<(AcmeAuthorization Authorization, TimeSpan? RetryAfter)> GetAuthorizationAsync(Uri url, CancellationToken cancellationToken)
    {
        var response = await _client.PostAsync(url, [], accept: null, cancellationToken);
        return (AcmeClient.ReadJson(response, AcmeJsonContext.Default.AcmeAuthorization), response.RetryAfter);
    }

    private static Task DelayAsync(TimeSpan? retryAfter, int polls, CancellationToken cancellationToken)
    {
        // Honour Retry-After (RFC 8555 §7.4, §7.5.1); without one, back off from 200 ms to 5 s. The issuance timeout
        // bounds the total. Polling paces against the CA's real clock, so it uses real time, not the scheduler's
        // TimeProvider.
        var delay = retryAfter ?? TimeSpan.FromTicks(Math.Min(s_firstPoll.Ticks << Math.Min(polls, 5), s_maxPoll.Ticks));
        return Task.Delay(delay, TimeProvider.System, cancellationToken);
    }

    private Task ObserveAsync(string hostName, AcmeIssuanceStep step, CancellationToken cancellationToken) =>
        StepObserver?.Invoke(hostName, step, cancellationToken) ?? Task.CompletedTask;
}
