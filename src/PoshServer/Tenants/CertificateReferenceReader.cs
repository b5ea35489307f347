using System.Collections.Immutable;
using PoshServer.Certificates;

namespace PoshServer.Tenants;

/// <summary>Reads the certificates a YAML file names, reporting unreadable ones as errors and expired or CA certificates as warnings.</summary>
internal sealed class CertificateReferenceReader(CertificateFileCache certificates)
{
    public ImmutableArray<PublishedCertificate> Read(
        string display, ImmutableArray<CertificateReference> references, DateTimeOffset now,
        List<TenantDiagnostic> errors, List<TenantDiagnostic> warnings)
    {
        if (references.IsEmpty)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<PublishedCertificate>(references.Length);
        foreach (var reference in references)
        {
            var (certificate, error) = certificates.Read(reference.Path);
            if (certificate is null)
            {
                errors.Add(TenantDiagnostic.Error(display, reference.Line, reference.Column, error ?? "the certificate cannot be read", "Check the path and that the file is a PEM or DER certificate readable by the service user."));
                continue;
            }

            if (certificate.IsExpiredAt(now))
            {
                warnings.Add(TenantDiagnostic.Warning(display, reference.Line, reference.Column, $"certificate {certificate.Subject} (sha-256 {certificate.Sha256}) expired on {certificate.NotAfter:u} and is no longer published", "Remove it from the list once the new certificate is deployed."));
            }

            if (certificate.IsCertificateAuthority)
            {
                warnings.Add(TenantDiagnostic.Warning(display, reference.Line, reference.Column, $"certificate {certificate.Subject} is a CA certificate (CA:TRUE)", "Publish the XMPP server's end-entity certificate (RFC 6120 §13.7.1.1); the first certificate of a PEM chain is the one hashed."));
            }

            result.Add(certificate);
        }

        return result.ToImmutable();
    }

    /// <summary>Expired certificates are no longer published (RFC 7711 §6: clients must not accept them anyway); not-yet-valid ones are, ahead of deployment.</summary>
    public static ImmutableArray<PublishedCertificate> Publishable(ImmutableArray<PublishedCertificate> read, DateTimeOffset now) =>
        CertificateFileReader.NewestFirst(read.Where(c => !c.IsExpiredAt(now)));
}
