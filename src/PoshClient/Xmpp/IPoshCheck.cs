using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;
using PoshClient.Verification;

namespace PoshClient.Xmpp;

/// <summary>
/// The POSH side of the certificate decision: the I/O boundary (HTTPS retrieval) that unit tests replace.
/// Production code uses <see cref="PoshVerifierCheck"/>.
/// </summary>
internal interface IPoshCheck
{
    void Prefetch(string domain, PoshService service);

    /// <summary>The material of (domain, service), joining a prefetch in flight; for the connection report.</summary>
    Task<PoshLookupResult> LookupAsync(string domain, PoshService service, CancellationToken cancellationToken);

    Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken);
}
