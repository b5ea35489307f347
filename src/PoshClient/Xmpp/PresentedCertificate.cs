using System.Security.Cryptography.X509Certificates;

namespace PoshClient.Xmpp;

/// <summary>A fresh <see cref="X509Certificate2"/> copy of a presented certificate, owned by the caller.</summary>
internal static class PresentedCertificate
{
    public static X509Certificate2 Copy(X509Certificate certificate) => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
