using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Verification;
using PoshClient.Xmpp;

namespace PoshClient.Tests.Xmpp;

/// <summary>A POSH seam with a scripted verdict; records what it was asked.</summary>
internal sealed class FakePoshCheck : IPoshVerifier
{
    private readonly Func<string, PoshService, X509Certificate2, CancellationToken, Task<PoshVerificationResult>> _verify;

    public FakePoshCheck(Func<string, PoshService, X509Certificate2, CancellationToken, Task<PoshVerificationResult>> verify)
    {
        _verify = verify;
    }

    public ConcurrentQueue<(string Domain, PoshService Service)> Prefetches { get; } = new();

    public ConcurrentQueue<(string Domain, PoshService Service, X509Certificate2 Certificate)> Verifications { get; } = new();

    public static FakePoshCheck Returning(PoshVerificationOutcome outcome, string reason) =>
        new((domain, service, certificate, _) => Task.FromResult(new PoshVerificationResult
        {
            Outcome = outcome,
            Reason = reason,
            Domain = domain,
            Service = service,
            Certificate = certificate,
        }));

    public static FakePoshCheck NoMaterial(string domain = "tenant.test") =>
        Returning(PoshVerificationOutcome.NoPoshMaterial, $"404 at https://{domain}/.well-known/posh/xmpp-client.json");

    public static FakePoshCheck Matching() =>
        Returning(PoshVerificationOutcome.VerifiedByPosh, "sha-256 fingerprint matches https://tenant.test/.well-known/posh/xmpp-client.json");

    public void Prefetch(string domain, PoshService service) => Prefetches.Enqueue((domain, service));

    public Task<PoshLookupResult> LookupAsync(string domain, PoshService service, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PoshLookupResult
        {
            Domain = domain,
            Service = service,
            Status = PoshLookupStatus.NotFound,
            FetchedAt = DateTimeOffset.UnixEpoch,
            CacheUntil = DateTimeOffset.UnixEpoch,
            Trace = [],
            Reason = "POSH: scripted by the test",
        });

    public Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken = default)
    {
        Verifications.Enqueue((domain, service, certificate));
        return _verify(domain, service, certificate, cancellationToken);
    }
}
