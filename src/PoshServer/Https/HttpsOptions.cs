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

    /// <summary>
    /// How long a kept-alive connection may stay idle before the server closes it (Kestrel's KeepAliveTimeout).
    /// Every idle TLS connection holds about 33 KB (bench/results/idle-*.md), so this and <see cref="MaxConnections"/>
    /// bound what idle peers can hold. Default 60 s; range 1 s – 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Open connections (both listeners, TLS or not) beyond which new ones are refused until others close (Kestrel's
    /// MaxConcurrentConnections). At ~33 KB per idle TLS connection the default bounds them at ~0.7 GB over the
    /// baseline; 5,000 keeps the process near 300 MB. Default 20,000; range 1 – 1,000,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 20_000;

    /// <summary>
    /// Set OpenSSL's SSL_MODE_RELEASE_BUFFERS on each TLS connection after its handshake, so that an idle connection
    /// does not keep its two ~17 KB record buffers (they are allocated again for the next record). Linux only; a
    /// runtime whose SslStream internals are not as expected leaves connections as they are and logs it once.
    /// Default true.
    /// </summary>
    public bool ReleaseIdleTlsBuffers { get; set; } = true;

    /// <summary>
    /// Return memory to the system after many connections have closed: when the open connections have fallen by at
    /// least this many below their high-water mark (and to at most half of it), one compacting garbage collection
    /// runs and the C allocator's free pages are released (malloc_trim). 0 turns it off. Default 1,000; range 0 – 1,000,000.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MemoryReclaimConnectionDrop { get; set; } = 1_000;

    /// <summary>
    /// How often the connection count is checked for <see cref="MemoryReclaimConnectionDrop"/>; also the least time
    /// between two reclaims (each is a blocking collection, tens of milliseconds). Default 15 s; range 1 s – 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MemoryReclaimInterval { get; set; } = TimeSpan.FromSeconds(15);
}
