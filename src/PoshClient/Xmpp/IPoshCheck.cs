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

    Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken);
}
