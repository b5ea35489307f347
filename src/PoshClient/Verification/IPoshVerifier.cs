using System.Security.Cryptography.X509Certificates;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>
/// The POSH side of the certificate decision (RFC 7711 §3, §5): retrieve the material for (domain, service) and match a
/// presented certificate against it. <see cref="PoshVerifier"/> is the implementation, with HTTPS retrieval and a
/// cache; <see cref="Xmpp.PoshCertificateValidator"/> takes this interface so that a host can supply material from
/// elsewhere (its own cache or store), and tests can script it.
/// </summary>
public interface IPoshVerifier
{
    /// <summary>Starts (or joins) a lookup of the material in the background, e.g. in parallel with DNS resolution (RFC 7711 §5).</summary>
    /// <param name="domain">The XMPP domain (the source domain of RFC 7711 §3).</param>
    /// <param name="service">The POSH service.</param>
    void Prefetch(string domain, PoshService service);

    /// <summary>The material of (domain, service), joining a lookup in flight; expected failures are results.</summary>
    /// <param name="domain">The XMPP domain.</param>
    /// <param name="service">The POSH service.</param>
    /// <param name="cancellationToken">Cancels the wait (a shared lookup carries on for its other callers).</param>
    Task<PoshLookupResult> LookupAsync(string domain, PoshService service, CancellationToken cancellationToken = default);

    /// <summary>Verifies a presented certificate by POSH only: a fingerprint match within its validity period (RFC 7711 §3.3, §6).</summary>
    /// <param name="domain">The XMPP domain: the reference identity, never the hoster's name (RFC 7711 §4).</param>
    /// <param name="service">The POSH service.</param>
    /// <param name="certificate">The presented end-entity certificate.</param>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    Task<PoshVerificationResult> VerifyAsync(string domain, PoshService service, X509Certificate2 certificate, CancellationToken cancellationToken = default);
}
