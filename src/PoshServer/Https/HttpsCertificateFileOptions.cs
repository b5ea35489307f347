using System.ComponentModel.DataAnnotations;

namespace PoshServer.Https;

/// <summary>One HTTPS certificate from files.</summary>
internal sealed class HttpsCertificateFileOptions
{
    /// <summary>PEM file: the leaf first, then the intermediates (as issued by an ACME client such as certbot's fullchain.pem).</summary>
    [Required]
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>PEM private key (PKCS#8, or the "EC/RSA PRIVATE KEY" forms).</summary>
    [Required]
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>Host names to serve it for; default: the DNS names in the certificate's subjectAltName.</summary>
    public List<string> HostNames { get; set; } = [];
}
