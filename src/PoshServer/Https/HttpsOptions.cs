using System.ComponentModel.DataAnnotations;

namespace PoshServer.Https;

/// <summary>Listeners and HTTPS certificates. Section "Https".</summary>
internal sealed class HttpsOptions
{
    public const string Section = "Https";

    /// <summary>Address to listen on: "*" (all, IPv4 and IPv6), or an IP address. Default "*".</summary>
    [Required]
    public string Address { get; set; } = "*";

    /// <summary>HTTPS port. Default 8443 (the container maps 443 to it); 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8443;

    /// <summary>Plain-HTTP port: answers ACME http-01 challenges and redirects everything else to HTTPS. Default 8080; 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>
    /// The HTTPS port clients see, for redirects (e.g. 443 behind a port mapping). Default: <see cref="Port"/>.
    /// </summary>
    [Range(1, 65535)]
    public int? PublicPort { get; set; }

    /// <summary>
    /// Certificate and key files, each for the host names in its certificate (or those listed). Reloaded when the
    /// files change. Empty: a self-signed development certificate is created (never use that in production).
    /// </summary>
    public List<HttpsCertificateFileOptions> Certificates { get; set; } = [];

    /// <summary>
    /// What a client gets that sends no SNI or a name we have no certificate for: "Fallback" (the first configured
    /// certificate; a browser will see a name mismatch) or "Reject" (the handshake is aborted). Default "Fallback".
    /// </summary>
    public UnknownSniBehavior UnknownSni { get; set; } = UnknownSniBehavior.Fallback;

    /// <summary>TLS handshake timeout. Default 10 s; range 1 s – 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
