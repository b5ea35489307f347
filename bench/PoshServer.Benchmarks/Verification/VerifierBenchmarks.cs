using System.Net.Http;
using BenchmarkDotNet.Attributes;
using PoshClient.Documents;
using PoshClient.Verification;

namespace PoshServer.Benchmarks.Verification;

/// <summary>
/// PoshVerifier costs: a verification answered from the cache (target ≤ 5 µs), and a lookup that fetches the
/// reference and the target document over loopback TLS (warm connections, and fully cold with new connections).
/// </summary>
[MemoryDiagnoser]
public class VerifierBenchmarks
{
    private PoshWorld _world = null!;
    private PoshVerifier _verifier = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _world = PoshWorld.StartAsync().GetAwaiter().GetResult();
        _verifier = _world.CreateVerifier(out _client);
        var warm = _verifier.VerifyAsync(PoshWorld.Tenant, PoshService.XmppServer, _world.XmppCertificate).GetAwaiter().GetResult();
        if (!warm.IsVerified)
        {
            throw new InvalidOperationException("The bench world does not verify: " + warm.Reason);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _verifier.Dispose();
        _client.Dispose();
        _world.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The per-connection cost once the material is cached: what a busy XMPP server pays per stream.</summary>
    [Benchmark]
    public Task<PoshVerificationResult> VerifyCached() =>
        _verifier.VerifyAsync(PoshWorld.Tenant, PoshService.XmppServer, _world.XmppCertificate);

    /// <summary>Reference + target fetched afresh over pooled (already open) TLS connections.</summary>
    [Benchmark]
    public Task<PoshLookupResult> LookupReferenceAndTargetWarmConnections() =>
        _verifier.LookupAsync(PoshWorld.Tenant, PoshService.XmppServer, bypassCache: true);

    /// <summary>A first contact: new verifier, new connections (two TLS handshakes), reference + target.</summary>
    [Benchmark]
    public async Task<PoshVerificationResult> VerifyColdNewConnections()
    {
        using var verifier = _world.CreateVerifier(out var client);
        using (client)
        {
            return await verifier.VerifyAsync(PoshWorld.Tenant, PoshService.XmppServer, _world.XmppCertificate);
        }
    }
}
