using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Verification;

namespace PoshClient.Xmpp;

/// <summary>Adapts <see cref="PoshVerifier"/> to <see cref="IPoshCheck"/>.</summary>
internal sealed class PoshVerifierCheck(PoshVerifier verifier) : IPoshCheck
{
    public void Prefetch(string domain, PoshService service) => verifier.Prefetch(domain, service);

    public Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken) =>
        verifier.VerifyAsync(domain, service, certificate, cancellationToken);
}
