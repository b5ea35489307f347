using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshTesting;
using Xunit.Abstractions;

namespace PoshClient.Tests.Documents;

/// <summary>
/// The hostile-web-server corpus: real Kestrel over real TLS on loopback, scripted per host, with the client trusting
/// only the test CA. Every case has an expected outcome and is bounded by a cancellation timeout.
/// </summary>
public sealed class PoshDocumentFetcherTests : IClassFixture<HostileWebFixture>
{
    private const string WellKnown = "/.well-known/posh/xmpp-server.json";
    private static readonly TimeSpan s_testBound = TimeSpan.FromSeconds(30);
    private static readonly X509Certificate2 s_xmppCertificate = TestCertificates.SelfSigned(["hosting.example.net"]);
    private static readonly string s_fingerprints = "{\"fingerprints\":[{\"sha-256\":\"" + Sha256(s_xmppCertificate) + "\"}],\"expires\":3600}";

    private readonly HostileWebFixture _fixture;
    private readonly ITestOutputHelper _output;

    public PoshDocumentFetcherTests(HostileWebFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    public static TheoryData<string, PoshLookupStatus> Corpus => new()
    {
        { "direct", PoshLookupStatus.Found },
        { "reference", PoshLookupStatus.Found },
        { "relative-redirect", PoshLookupStatus.Found },
        { "ten-redirects", PoshLookupStatus.Found },
        { "eleven-redirects", PoshLookupStatus.RedirectRejected },
        { "redirect-loop", PoshLookupStatus.RedirectRejected },
        { "https-to-http", PoshLookupStatus.RedirectRejected },
        { "redirect-without-location", PoshLookupStatus.RedirectRejected },
        { "redirect-on-reference-target", PoshLookupStatus.Found },
        { "nested-reference", PoshLookupStatus.Invalid },
        { "reference-to-http", PoshLookupStatus.Malformed },
        { "reference-target-404", PoshLookupStatus.NotFound },
        { "oversized-with-length", PoshLookupStatus.TooLarge },
        { "oversized-chunked", PoshLookupStatus.TooLarge },
        { "invalid-json", PoshLookupStatus.Malformed },
        { "duplicate-keys", PoshLookupStatus.Malformed },
        { "deep-nesting", PoshLookupStatus.Malformed },
        { "wrong-types", PoshLookupStatus.Malformed },
        { "expires-zero", PoshLookupStatus.Invalid },
        { "reference-expires-zero", PoshLookupStatus.Invalid },
        { "target-expires-zero", PoshLookupStatus.Invalid },
        { "expires-negative", PoshLookupStatus.Malformed },
        { "expires-fractional", PoshLookupStatus.Malformed },
        { "expires-missing", PoshLookupStatus.Malformed },
        { "expires-string", PoshLookupStatus.Malformed },
        { "expires-huge", PoshLookupStatus.Found },
        { "bad-base64", PoshLookupStatus.Found },
        { "wrong-digest-length", PoshLookupStatus.Found },
        { "no-supported-algorithm", PoshLookupStatus.Found },
        { "non-utf8", PoshLookupStatus.Malformed },
        { "empty-200", PoshLookupStatus.HttpError },
        { "status-500", PoshLookupStatus.HttpError },
        { "status-404", PoshLookupStatus.NotFound },
        { "name-mismatch", PoshLookupStatus.Unreachable },
        { "unknown-ca", PoshLookupStatus.Unreachable },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task LookupAsync_HostileServer_ExpectedStatus(string scenario, PoshLookupStatus expected)
    {
        // Arrange
        var domain = Script(scenario);
        using var verifier = _fixture.CreateVerifier();
        using var bound = new CancellationTokenSource(s_testBound);

        // Act
        var result = await verifier.LookupAsync(domain, PoshService.XmppServer, bypassCache: true, bound.Token);

        // Assert
        _output.WriteLine(result.Reason);
        Assert.True(expected == result.Status, $"{scenario}: expected {expected}, got {result.Status}: {result.Reason}");
        Assert.StartsWith("POSH: fetched https://" + domain + WellKnown, result.Reason, StringComparison.Ordinal);
        Assert.All(result.Trace, step => Assert.True(step.Bytes <= (64 * 1024) + 1, "read past the body cap"));
        if (scenario is "bad-base64" or "wrong-digest-length" or "no-supported-algorithm")
        {
            Assert.NotEmpty(result.Warnings);
        }
    }

    [Theory]
    [InlineData("direct", PoshVerificationOutcome.VerifiedByPosh)]
    [InlineData("reference", PoshVerificationOutcome.VerifiedByPosh)]
    [InlineData("bad-base64", PoshVerificationOutcome.Mismatch)]
    [InlineData("wrong-digest-length", PoshVerificationOutcome.Mismatch)]
    [InlineData("no-supported-algorithm", PoshVerificationOutcome.Mismatch)]
    [InlineData("status-404", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData("unknown-ca", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData("https-to-http", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData("oversized-chunked", PoshVerificationOutcome.NoPoshMaterial)]
    [InlineData("expires-zero", PoshVerificationOutcome.InvalidMaterial)]
    [InlineData("nested-reference", PoshVerificationOutcome.InvalidMaterial)]
    [InlineData("duplicate-keys", PoshVerificationOutcome.InvalidMaterial)]
    public async Task VerifyAsync_HostileServer_ExpectedOutcome(string scenario, PoshVerificationOutcome expected)
    {
        // Arrange
        var domain = Script(scenario, "verify-");
        using var verifier = _fixture.CreateVerifier();
        using var bound = new CancellationTokenSource(s_testBound);

        // Act
        var result = await verifier.VerifyAsync(domain, PoshService.XmppServer, s_xmppCertificate, bound.Token);

        // Assert
        Assert.True(expected == result.Outcome, $"{scenario}: expected {expected}, got {result.Outcome}: {result.Reason}");
    }

    [Fact]
    public async Task LookupAsync_Reference_EffectiveExpiresIsMinimumAndTraceNamesEveryStep()
    {
        // Arrange
        var domain = Script("reference", "trace-");
        using var verifier = _fixture.CreateVerifier();
        using var bound = new CancellationTokenSource(s_testBound);

        // Act
        var result = await verifier.LookupAsync(domain, PoshService.XmppServer, bound.Token);

        // Assert
        Assert.Equal(PoshLookupStatus.Found, result.Status);
        Assert.Equal(3600, result.EffectiveExpires);
        Assert.Equal([200, 200], result.Trace.Select(s => s.StatusCode ?? 0));
        Assert.Equal([86400L, 3600L], result.Trace.Select(s => s.Expires ?? -1));
        Assert.Contains("→ 200 reference to https://hoster.test/posh/" + domain + ".json (expires 86400) → 200 fingerprints (1 descriptor, expires 3600)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAsync_SlowDripPastBudget_UnreachableWithinBound()
    {
        // Arrange: one byte every 200 ms, for ever; a 1 s budget for the whole lookup.
        const string domain = "slow-drip.test";
        _fixture.Server.Map(domain, WellKnown, async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"fingerprints\":[", context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(" ", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }
        });
        using var verifier = _fixture.CreateVerifier(lookupTimeout: TimeSpan.FromSeconds(1));
        using var bound = new CancellationTokenSource(s_testBound);

        // Act
        var result = await verifier.LookupAsync(domain, PoshService.XmppServer, bound.Token);

        // Assert
        Assert.Equal(PoshLookupStatus.Unreachable, result.Status);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAsync_SmallCap_BodyReadStopsAtCapPlusOne()
    {
        // Arrange
        const string domain = "small-cap.test";
        _fixture.Server.Map(domain, WellKnown, async context =>
        {
            var chunk = new byte[1024];
            Array.Fill(chunk, (byte)' ');
            for (var i = 0; i < 256 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        using var verifier = _fixture.CreateVerifier(maxDocumentBytes: 2048);
        using var bound = new CancellationTokenSource(s_testBound);

        // Act
        var result = await verifier.LookupAsync(domain, PoshService.XmppServer, bound.Token);

        // Assert
        Assert.Equal(PoshLookupStatus.TooLarge, result.Status);
        Assert.Equal(2049, Assert.Single(result.Trace).Bytes);
    }

    /// <summary>Scripts the server for a scenario and returns the domain to look up.</summary>
    private string Script(string scenario, string prefix = "")
    {
        var server = _fixture.Server;
        var domain = prefix + scenario + (scenario switch
        {
            "name-mismatch" => ".wrongname.test",
            "unknown-ca" => ".untrusted.test",
            _ => ".test",
        });
        var hoster = "hoster.test";
        var target = "/posh/" + domain + ".json";
        var sha = Sha256(s_xmppCertificate);
        switch (scenario)
        {
            case "direct" or "name-mismatch" or "unknown-ca":
                server.MapBody(domain, WellKnown, s_fingerprints);
                break;
            case "reference":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}{target}\",\"expires\":86400}}");
                server.MapBody(hoster, target, s_fingerprints);
                break;
            case "relative-redirect":
                server.MapRedirect(domain, WellKnown, "/elsewhere.json", 307);
                server.MapBody(domain, "/elsewhere.json", s_fingerprints);
                break;
            case "ten-redirects" or "eleven-redirects":
                var count = scenario.StartsWith("ten", StringComparison.Ordinal) ? 10 : 11;
                server.MapRedirect(domain, WellKnown, $"https://{domain}/r1");
                for (var i = 1; i < count; i++)
                {
                    server.MapRedirect(domain, "/r" + i.ToString(CultureInfo.InvariantCulture), $"https://{domain}/r{i + 1}", new[] { 301, 302, 303, 307, 308 }[i % 5]);
                }

                server.MapBody(domain, "/r" + count.ToString(CultureInfo.InvariantCulture), s_fingerprints);
                break;
            case "redirect-loop":
                server.MapRedirect(domain, WellKnown, $"https://{domain}{WellKnown}");
                break;
            case "https-to-http":
                server.MapRedirect(domain, WellKnown, $"http://{domain}/plain.json");
                server.MapBody(domain, "/plain.json", s_fingerprints);
                break;
            case "redirect-without-location":
                server.Map(domain, WellKnown, context =>
                {
                    context.Response.StatusCode = 302;
                    return Task.CompletedTask;
                });
                break;
            case "redirect-on-reference-target":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}{target}\",\"expires\":86400}}");
                server.MapRedirect(hoster, target, $"https://{hoster}/moved{target}", 308);
                server.MapBody(hoster, "/moved" + target, s_fingerprints);
                break;
            case "nested-reference":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}{target}\",\"expires\":86400}}");
                server.MapBody(hoster, target, $"{{\"url\":\"https://{hoster}/again{target}\",\"expires\":86400}}");
                server.MapBody(hoster, "/again" + target, s_fingerprints);
                break;
            case "reference-to-http":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"http://{hoster}{target}\",\"expires\":86400}}");
                break;
            case "reference-target-404":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}/missing{target}\",\"expires\":86400}}");
                break;
            case "oversized-with-length":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"x\":\"" + new string('a', 200_000) + "\"}],\"expires\":1}");
                break;
            case "oversized-chunked":
                server.Map(domain, WellKnown, async context =>
                {
                    await context.Response.WriteAsync("{\"fingerprints\":[{\"x\":\"", context.RequestAborted);
                    var chunk = new string('a', 4096);
                    for (var i = 0; i < 100 && !context.RequestAborted.IsCancellationRequested; i++)
                    {
                        await context.Response.WriteAsync(chunk, context.RequestAborted);
                    }
                });
                break;
            case "invalid-json":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":3600");
                break;
            case "duplicate-keys":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":3600,\"expires\":1}");
                break;
            case "deep-nesting":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":3600,\"x\":" + new string('[', 100) + new string(']', 100) + "}");
                break;
            case "wrong-types":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":{\"sha-256\":\"" + sha + "\"},\"expires\":3600}");
                break;
            case "expires-zero":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":0}");
                break;
            case "reference-expires-zero":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}{target}\",\"expires\":0}}");
                server.MapBody(hoster, target, s_fingerprints);
                break;
            case "target-expires-zero":
                server.MapBody(domain, WellKnown, $"{{\"url\":\"https://{hoster}{target}\",\"expires\":86400}}");
                server.MapBody(hoster, target, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":0}");
                break;
            case "expires-negative":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":-1}");
                break;
            case "expires-fractional":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":3600.5}");
                break;
            case "expires-missing":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}]}");
                break;
            case "expires-string":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":\"3600\"}");
                break;
            case "expires-huge":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + sha + "\"}],\"expires\":123456789012345678901234567890}");
                break;
            case "bad-base64":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + string.Concat(sha.AsSpan(0, 10), "-_", sha.AsSpan(12)) + "\"}],\"expires\":3600}");
                break;
            case "wrong-digest-length":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-256\":\"" + Convert.ToBase64String(new byte[31]) + "\"}],\"expires\":3600}");
                break;
            case "no-supported-algorithm":
                server.MapBody(domain, WellKnown, "{\"fingerprints\":[{\"sha-1\":\"" + Convert.ToBase64String(new byte[20]) + "\",\"md5\":\"" + Convert.ToBase64String(new byte[16]) + "\"}],\"expires\":3600}");
                break;
            case "non-utf8":
                server.MapBytes(domain, WellKnown, [.. "{\"fingerprints\":[{\"x\":\""u8, 0xFF, 0xFE, .. "\"}],\"expires\":3600}"u8]);
                break;
            case "empty-200":
                server.MapBytes(domain, WellKnown, []);
                break;
            case "status-500":
                server.MapBody(domain, WellKnown, s_fingerprints, 500);
                break;
            case "status-404":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown scenario.");
        }

        return domain;
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
}
