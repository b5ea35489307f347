using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Xmpp;

/// <summary>Options of <see cref="PoshCertificateValidator"/>.</summary>
public sealed class PoshCertificateValidatorOptions
{
    /// <summary>
    /// The chain policy of the PKIX prooftype (trust store, revocation). Default: the system trust store with
    /// online revocation checking that soft-fails when revocation information is unreachable. For a private
    /// deployment, use <see cref="X509ChainTrustMode.CustomRootTrust"/> with the roots to trust.
    /// </summary>
    public X509ChainPolicy? ChainPolicy { get; set; }

    /// <summary>Upper bound for a POSH verification (retrieval included). Default 15 s; range 1 s – 2 min.</summary>
    public TimeSpan PoshTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the synchronous callback of <see cref="PoshCertificateValidator.CreateCallback"/> waits for an
    /// already-prefetched POSH lookup that is still in flight. Default 5 s; range 0 – 30 s.
    /// </summary>
    public TimeSpan CallbackPoshWait { get; set; } = TimeSpan.FromSeconds(5);
}
