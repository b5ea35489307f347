using System.Net.Security;

namespace PoshServer.Https;

/// <summary>
/// A certificate Kestrel can present, as an <see cref="SslStreamCertificateContext"/> built at most once: either
/// given ready-made, or built on the first handshake that selects it. With thousands of names, building every
/// context at start costs about 1–2 ms each (reading the key, matching it to the certificate, and
/// <see cref="SslStreamCertificateContext.Create(System.Security.Cryptography.X509Certificates.X509Certificate2, System.Security.Cryptography.X509Certificates.X509Certificate2Collection?, bool, SslCertificateTrust?)"/>
/// building the chain from the supplied intermediates) and memory for names no client ever asks for.
/// </summary>
internal sealed class HttpsCertificate
{
    private readonly Func<SslStreamCertificateContext?>? _build;
    private readonly Lock _gate = new();
    private SslStreamCertificateContext? _context;
    private volatile bool _built;

    public HttpsCertificate(SslStreamCertificateContext context)
    {
        _context = context;
        _built = true;
    }

    /// <summary>Built on first use by <paramref name="build"/>; null from it means the certificate cannot be served (it logs why).</summary>
    public HttpsCertificate(Func<SslStreamCertificateContext?> build)
    {
        _build = build;
    }

    public bool IsBuilt => _built;

    /// <summary>The context, building it on the first call; concurrent first handshakes wait for the one build.</summary>
    public SslStreamCertificateContext? GetContext()
    {
        if (_built)
        {
            return _context;
        }

        lock (_gate)
        {
            if (!_built)
            {
                _context = _build!();
                _built = true;
            }

            return _context;
        }
    }
}
