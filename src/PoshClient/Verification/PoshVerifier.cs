using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>
/// Retrieves POSH material for (domain, service) with caching (RFC 7711 §3, §6) and verifies presented
/// certificates against it.
/// </summary>
public sealed class PoshVerifier
{
    /// <summary>Starts (or joins) a lookup of the material in the background, e.g. in parallel with DNS resolution (RFC 7711 §5).</summary>
    public void Prefetch(string domain, PoshService service) => throw new NotSupportedException("Not implemented yet.");

    /// <summary>
    /// Verifies <paramref name="certificate"/> for <paramref name="domain"/> by POSH only: a fingerprint match
    /// within the certificate's validity period. Cached material that does not match is refetched once.
    /// </summary>
    public Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Not implemented yet.");
}
