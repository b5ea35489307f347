using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Pkix;

/// <summary>
/// Trust in root certificates of your own instead of the system store, for a private deployment or a test world: the
/// chain policy for <see cref="PoshClientOptions.WebChainPolicy"/>, <see cref="PoshClientOptions.XmppChainPolicy"/> and
/// <see cref="Xmpp.PoshCertificateValidatorOptions.ChainPolicy"/>. Names are still checked; there is no trust-all.
/// </summary>
public static class TrustedRoots
{
    /// <summary>
    /// A chain policy that trusts exactly <paramref name="roots"/> (<see cref="X509ChainTrustMode.CustomRootTrust"/>),
    /// without revocation checking: a private CA rarely publishes CRLs or OCSP, and a TLS handshake fails a chain whose
    /// revocation status is unknown. Set <see cref="X509ChainPolicy.RevocationMode"/> on the result if yours does.
    /// </summary>
    /// <param name="roots">The trust anchors; the policy keeps these instances.</param>
    /// <exception cref="ArgumentException"><paramref name="roots"/> is empty: such a policy would trust nothing.</exception>
    public static X509ChainPolicy CreateChainPolicy(IEnumerable<X509Certificate2> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        foreach (var root in roots)
        {
            policy.CustomTrustStore.Add(root);
        }

        return policy.CustomTrustStore.Count > 0
            ? policy
            : throw new ArgumentException("No root certificate given; a chain policy without trust anchors trusts nothing.", nameof(roots));
    }

    /// <summary>As <see cref="CreateChainPolicy"/>, with the roots read from a PEM file (one or more CERTIFICATE blocks).</summary>
    /// <param name="path">The PEM file.</param>
    /// <exception cref="IOException">The file cannot be read, or holds no certificate (<see cref="InvalidDataException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A certificate in the file is malformed.</exception>
    public static X509ChainPolicy LoadPemFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots.Count > 0
            ? CreateChainPolicy(roots)
            : throw new InvalidDataException($"{path} holds no PEM certificate.");
    }

    /// <summary>
    /// Makes an HTTPS handler build server chains with <paramref name="policy"/>. No validation callback is set, so
    /// SslStream still accepts only <see cref="SslPolicyErrors.None"/>: the host name is checked against the URL
    /// (RFC 9110 §4.3.4) and only the trust anchors change.
    /// </summary>
    internal static void Apply(SocketsHttpHandler handler, X509ChainPolicy policy)
    {
        handler.SslOptions.CertificateChainPolicy = policy.Clone();
        handler.SslOptions.RemoteCertificateValidationCallback = null;
    }
}
