using System.Diagnostics;
using System.Globalization;
using PoshClient.Documents;
using PoshClient.Verification;
using Xunit.Abstractions;

namespace PoshClient.Tests.Integration;

/// <summary>The verifier on its own against the world's web servers: outcomes the handshake hides, and what a lookup costs.</summary>
[Collection(TestWorldGroup.Name)]
public sealed class PoshVerifierWorldTests(TestWorld world, ITestOutputHelper output)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task VerifyAsync_ExpiredCertificateMatchedByFingerprint_CertificateNotValidNow()
    {
        // Arrange
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        // Act
        var result = await client.Verifier.VerifyAsync(TestWorld.ExpiredDomain, PoshService.XmppClient, world.ExpiredHosterCertificate, timeout.Token);

        // Assert: RFC 7711 §6: the document lists the certificate, but it is past its notAfter.
        Assert.Equal(PoshVerificationOutcome.CertificateNotValidNow, result.Outcome);
        Assert.False(result.IsVerified);
        Assert.Contains("fetched https://expired.test/.well-known/posh/xmpp-client.json → 200 fingerprints (1 descriptor, expires 3600)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("matches descriptor 1 (sha-512) but expired at " + world.ExpiredHosterCertificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z", result.Reason, StringComparison.Ordinal);
        Assert.EndsWith("→ rejected for expired.test (RFC 7711 §6)", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAsync_ReferenceToPoshServer_FoundWithMinimumExpires()
    {
        // Arrange
        using var client = world.CreateClient();
        using var timeout = new CancellationTokenSource(s_testTimeout);

        // Act
        var lookup = await client.Verifier.LookupAsync(TestWorld.ReferenceDomain, PoshService.XmppClient, timeout.Token);

        // Assert: RFC 7711 §6: the lower of the reference's 86400 and the document's 3600.
        Assert.True(lookup.IsFound, lookup.Reason + "\n" + world.Logs);
        Assert.Equal(3600, lookup.EffectiveExpires);
        Assert.Equal([200, 200], lookup.Trace.Select(s => s.StatusCode));
        Assert.Equal(FingerprintDescriptor.FromCertificate(world.HosterCertificate), Assert.Single(lookup.Document!.Fingerprints));
    }

    [Fact]
    public async Task LookupAsync_ColdAndCached_CostsWrittenToTheTestOutput()
    {
        // Not an assertion on time: the numbers go to the test output for the release notes.
        using var timeout = new CancellationTokenSource(s_testTimeout);
        var cold = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            // A fresh client each time: DNS, two TLS handshakes (nginx, PoshServer) and two GETs.
            using var fresh = world.CreateClient();
            var started = Stopwatch.GetTimestamp();
            var lookup = await fresh.Verifier.LookupAsync(TestWorld.ReferenceDomain, PoshService.XmppClient, bypassCache: true, timeout.Token);
            cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.True(lookup.IsFound, lookup.Reason);
        }

        using var client = world.CreateClient();
        var pooled = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            // bypassCache with the connection pool warm: two GETs on open TLS connections.
            var started = Stopwatch.GetTimestamp();
            var lookup = await client.Verifier.LookupAsync(TestWorld.ReferenceDomain, PoshService.XmppClient, bypassCache: true, timeout.Token);
            pooled.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.True(lookup.IsFound, lookup.Reason);
        }

        const int CachedRounds = 2000;
        var first = await client.Verifier.VerifyAsync(TestWorld.ReferenceDomain, PoshService.XmppClient, world.HosterCertificate, timeout.Token);
        Assert.True(first.IsVerified, first.Reason);
        var cachedStarted = Stopwatch.GetTimestamp();
        for (var i = 0; i < CachedRounds; i++)
        {
            var result = await client.Verifier.VerifyAsync(TestWorld.ReferenceDomain, PoshService.XmppClient, world.HosterCertificate, timeout.Token);
            Assert.Equal(PoshVerificationOutcome.VerifiedByPosh, result.Outcome);
        }

        var cachedMicroseconds = Stopwatch.GetElapsedTime(cachedStarted).TotalMicroseconds / CachedRounds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold POSH lookup (reference on nginx → document on PoshServer, new connections), ms: {string.Join(", ", cold.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"POSH lookup bypassing the cache on pooled connections, ms: {string.Join(", ", pooled.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cached VerifyAsync (match + validity check), mean of {CachedRounds}: {cachedMicroseconds:0.0} µs"));
    }
}
