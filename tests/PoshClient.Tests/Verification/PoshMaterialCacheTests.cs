using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshClient.Tests.Verification;

/// <summary>Caching (RFC 7711 §6, posh-spec C-27..C-30), single flight and refetch-once, all on a manual clock.</summary>
public sealed class PoshMaterialCacheTests : IDisposable
{
    private const string Source = "https://example.com/.well-known/posh/xmpp-server.json";
    private const string Target = "https://hosting.example.net/posh/example.com/xmpp-server.json";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly StubPoshWeb _web = new();
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(30));
    private readonly ITestOutputHelper _output;
    private PoshVerifier? _verifier;

    public PoshMaterialCacheTests(ITestOutputHelper output)
    {
        _output = output;
        var now = _time.GetUtcNow();
        _certificate = TestCertificates.SelfSigned(["hosting.example.net"], now.AddDays(-1), now.AddDays(60));
    }

    [Fact]
    public async Task VerifyAsync_WithinTtl_ServedFromCache()
    {
        // Arrange
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();

        // Act
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        _time.Advance(TimeSpan.FromMinutes(59));
        var second = await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, second.Outcome);
        Assert.Contains("(cached since 2026-11-22 12:00:00Z)", second.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_ServicesAreSeparateKeys_OneFetchEach()
    {
        // Arrange
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        _web.Serve("https://example.com/.well-known/posh/xmpp-client.json", PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();

        // Act
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        await verifier.VerifyAsync("example.com", PoshService.XmppClient, _certificate, _cts.Token);
        await verifier.VerifyAsync("EXAMPLE.com.", PoshService.XmppClient, _certificate, _cts.Token);

        // Assert
        Assert.Equal(2, _web.TotalRequests);
    }

    [Theory]
    [InlineData(600, 3600, 600)]
    [InlineData(86400, 1200, 1200)]
    [InlineData(86400, 86400, 3600)]
    public async Task VerifyAsync_Reference_TtlIsMinimumExpiresCappedByMaxCacheTime(long referenceExpires, long fingerprintsExpires, int expectedTtlSeconds)
    {
        // Arrange (RFC 7711 §6: the lower of the two; MaxCacheTime 1 h by default)
        _web.Serve(Source, $"{{\"url\":\"{Target}\",\"expires\":{referenceExpires}}}");
        _web.Serve(Target, PoshVerifierTests.Fingerprints(fingerprintsExpires, _certificate));
        var verifier = CreateVerifier();
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);

        // Act
        _time.Advance(TimeSpan.FromSeconds(expectedTtlSeconds - 1));
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        var beforeExpiry = _web.Hits(Source);
        _time.Advance(TimeSpan.FromSeconds(2));
        var lookup = await verifier.LookupAsync("example.com", PoshService.XmppServer, _cts.Token);

        // Assert: stale material is re-fetched from the source domain, not just the url (RFC 7711 §6).
        Assert.Equal(1, beforeExpiry);
        Assert.Equal(2, _web.Hits(Source));
        Assert.Equal(2, _web.Hits(Target));
        Assert.Equal(Math.Min(referenceExpires, fingerprintsExpires), lookup.EffectiveExpires);
        Assert.Equal(lookup.FetchedAt.AddSeconds(expectedTtlSeconds), lookup.CacheUntil);
    }

    [Fact]
    public async Task LookupAsync_HugeExpires_CappedWithoutOverflow()
    {
        // Arrange
        _web.Serve(Source, "{\"fingerprints\":[{\"sha-256\":\"xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I=\"}],\"expires\":99999999999999999999999999}");
        var verifier = CreateVerifier();

        // Act
        var lookup = await verifier.LookupAsync("example.com", PoshService.XmppServer, _cts.Token);

        // Assert
        Assert.Equal(long.MaxValue, lookup.EffectiveExpires);
        Assert.Equal(lookup.FetchedAt.AddHours(1), lookup.CacheUntil);
    }

    [Theory]
    [InlineData(404, "", 5)]
    [InlineData(200, "{\"expires\":1}", 5)]
    [InlineData(200, "{\"fingerprints\":[{\"sha-256\":\"xR8uzujKEcd17LM1Apmr9Z55oFhhnRK1Si1cLK9jW0I=\"}],\"expires\":0}", 5)]
    [InlineData(500, "", 1)]
    [InlineData(302, "", 1)]
    public async Task LookupAsync_NegativeResult_CachedWithinJitterBounds(int status, string body, int baseMinutes)
    {
        // Arrange: several domains, so several jitter draws, all within ±20 % of the base time.
        var verifier = CreateVerifier();
        var domains = Enumerable.Range(0, 10).Select(i => $"d{i}.example").ToList();
        foreach (var domain in domains)
        {
            _web.Serve($"https://{domain}/.well-known/posh/xmpp-server.json", body, status);
            await verifier.LookupAsync(domain, PoshService.XmppServer, _cts.Token);
        }

        // Act
        _time.Advance(TimeSpan.FromMinutes(baseMinutes * 0.79));
        var early = await Task.WhenAll(domains.Select(d => verifier.LookupAsync(d, PoshService.XmppServer, _cts.Token)));
        var requestsEarly = _web.TotalRequests;
        _time.Advance(TimeSpan.FromMinutes(baseMinutes * 0.42));
        var late = await Task.WhenAll(domains.Select(d => verifier.LookupAsync(d, PoshService.XmppServer, _cts.Token)));

        // Assert
        Assert.All(early, r => Assert.True(r.FromCache));
        Assert.All(early, r => Assert.False(r.IsFound));
        Assert.Equal(domains.Count, requestsEarly);
        Assert.All(late, r => Assert.False(r.FromCache));
        Assert.Equal(2 * domains.Count, _web.TotalRequests);
    }

    [Fact]
    public void ComputeTimeToLive_NegativeJitter_StaysWithinBounds()
    {
        // Arrange
        var options = new PoshClient.PoshClientOptions();
        var notFound = Lookup(PoshLookupStatus.NotFound);
        var failure = Lookup(PoshLookupStatus.Unreachable);

        // Act
        var samples = Enumerable.Range(0, 2000).Select(_ => Random.Shared.NextDouble()).Append(0).Append(0.999999).ToList();
        var notFoundTimes = samples.Select(r => PoshMaterialCache.ComputeTimeToLive(notFound, options, r)).ToList();
        var failureTimes = samples.Select(r => PoshMaterialCache.ComputeTimeToLive(failure, options, r)).ToList();

        // Assert
        Assert.All(notFoundTimes, t => Assert.InRange(t, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6)));
        Assert.All(failureTimes, t => Assert.InRange(t, TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72)));
        Assert.True(notFoundTimes.Distinct().Count() > 100, "jitter should spread expiry times");
    }

    [Fact]
    public async Task VerifyAsync_ConcurrentCallers_SingleFetch()
    {
        // Arrange
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        _web.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var verifier = CreateVerifier();

        // Act: every call joins before the single response is released.
        var calls = Enumerable.Range(0, 25)
            .Select(_ => verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token))
            .ToList();
        await _web.Arrived.Task.WaitAsync(_cts.Token);
        _web.Gate.SetResult();
        var results = await Task.WhenAll(calls);

        // Assert
        Assert.All(results, r => Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, r.Outcome));
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_OneCallerCancels_SharedFetchCompletesForOthers()
    {
        // Arrange
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        _web.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var verifier = CreateVerifier();
        using var impatient = new CancellationTokenSource();
        var cancelled = verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, impatient.Token);
        var patient = verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        await _web.Arrived.Task.WaitAsync(_cts.Token);

        // Act
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _web.Gate.SetResult();
        var result = await patient;

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_DocumentRotatedWhileCached_RefetchesOnceAndAccepts()
    {
        // Arrange: cached document lists the old certificate; the server has since published the new one.
        var now = _time.GetUtcNow();
        using var renewed = TestCertificates.SelfSigned(["hosting.example.net"], now.AddDays(-1), now.AddDays(90));
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, renewed, _certificate));
        _time.Advance(TimeSpan.FromMinutes(2));

        // Act
        var result = await verifier.VerifyAsync("example.com", PoshService.XmppServer, renewed, _cts.Token);
        var again = await verifier.VerifyAsync("example.com", PoshService.XmppServer, renewed, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        Assert.StartsWith("cached material did not match, refetched: POSH: fetched", result.Reason, StringComparison.Ordinal);
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, again.Outcome);
        Assert.Equal(2, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_MismatchPersists_RefetchesExactlyOnce()
    {
        // Arrange
        using var stranger = TestCertificates.SelfSigned(["stranger.example"]);
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        _time.Advance(TimeSpan.FromMinutes(2));

        // Act
        var result = await verifier.VerifyAsync("example.com", PoshService.XmppServer, stranger, _cts.Token);

        // Assert
        Assert.Equal(PoshVerificationOutcome.Mismatch, result.Outcome);
        Assert.Equal(2, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_MismatchSoonAfterFetch_NoRefetch()
    {
        // Arrange: within MinimumRefetchInterval a wrong certificate cannot make us hammer the web server.
        using var stranger = TestCertificates.SelfSigned(["stranger.example"]);
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        _time.Advance(TimeSpan.FromSeconds(30));

        // Act
        var results = new List<PoshVerificationResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await verifier.VerifyAsync("example.com", PoshService.XmppServer, stranger, _cts.Token));
        }

        // Assert
        Assert.All(results, r => Assert.Equal(PoshVerificationOutcome.Mismatch, r.Outcome));
        Assert.Equal(1, _web.TotalRequests);
    }

    [Fact]
    public async Task LookupAsync_BypassCache_FetchesAfreshAndReplacesEntry()
    {
        // Arrange
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();
        await verifier.LookupAsync("example.com", PoshService.XmppServer, _cts.Token);

        // Act
        var fresh = await verifier.LookupAsync("example.com", PoshService.XmppServer, bypassCache: true, _cts.Token);
        var cached = await verifier.LookupAsync("example.com", PoshService.XmppServer, _cts.Token);

        // Assert
        Assert.False(fresh.FromCache);
        Assert.True(cached.FromCache);
        Assert.Equal(2, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_CacheFull_StillAnswersAndStaysBounded()
    {
        // Arrange
        var verifier = CreateVerifier(new PoshClient.PoshClientOptions { MaxCacheEntries = 3 });

        // Act
        for (var i = 0; i < 10; i++)
        {
            await verifier.LookupAsync($"d{i}.example", PoshService.XmppServer, _cts.Token);
        }

        var again = await verifier.LookupAsync("d9.example", PoshService.XmppServer, _cts.Token);

        // Assert
        Assert.Equal(PoshLookupStatus.NotFound, again.Status);
        Assert.Equal(10, _web.TotalRequests);
    }

    [Fact]
    public async Task VerifyAsync_Cached_ReportsCostPerCall()
    {
        // Arrange: a measurement for the record, not an assertion (no timing assertions in this suite).
        _web.Serve(Source, PoshVerifierTests.Fingerprints(3600, _certificate));
        var verifier = CreateVerifier();
        await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        const int calls = 100_000;

        // Act
        var stopwatch = Stopwatch.StartNew();
        PoshVerificationResult? last = null;
        for (var i = 0; i < calls; i++)
        {
            last = await verifier.VerifyAsync("example.com", PoshService.XmppServer, _certificate, _cts.Token);
        }

        stopwatch.Stop();

        // Assert
        Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, last!.Outcome);
        Assert.Equal(1, _web.TotalRequests);
        _output.WriteLine($"cached VerifyAsync: {stopwatch.Elapsed.TotalMicroseconds / calls:F2} µs per call over {calls} calls");
    }

    public void Dispose()
    {
        _verifier?.Dispose();
        _certificate.Dispose();
        _web.Dispose();
        _cts.Dispose();
    }

    private PoshVerifier CreateVerifier(PoshClient.PoshClientOptions? options = null)
    {
        _verifier = new PoshVerifier(new HttpClient(_web), options ?? new PoshClient.PoshClientOptions(), _time);
        return _verifier;
    }

    private PoshLookupResult Lookup(PoshLookupStatus status) => new()
    {
        Domain = "example.com",
        Service = PoshService.XmppServer,
        Status = status,
        FetchedAt = _time.GetUtcNow(),
        CacheUntil = _time.GetUtcNow(),
        Trace = [],
        Reason = "test",
    };
}
