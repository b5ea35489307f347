using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshServer.Https;

/// <summary>Builds an <see cref="SslStreamCertificateContext"/> (leaf + key + intermediates) from PEM files.</summary>
internal static class HttpsCertificateLoader
{
    /// <summary>
    /// Reads the certificate file (not the key) for its names and expiry, and checks that the key file can be opened:
    /// the cheap part of <see cref="TryLoad"/> (a fraction of a millisecond), so thousands of files are ready in
    /// seconds and each context is built on its first handshake.
    /// </summary>
    public static bool TryInspect(
        HttpsCertificateFileOptions files,
        [NotNullWhen(true)] out HttpsCertificateFileInfo? info,
        [NotNullWhen(false)] out string? error)
    {
        info = null;
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(files.CertificateFile);
            if (chain.Count == 0)
            {
                error = $"'{files.CertificateFile}' holds no certificate";
                return false;
            }

            using (File.OpenHandle(files.KeyFile))
            {
                // Readable; whether it matches the certificate is checked when the context is built.
            }

            var leaf = chain[0];
            info = new HttpsCertificateFileInfo
            {
                HostNames = files.HostNames.Count > 0
                    ? files.HostNames
                    : [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())],
                NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                IntermediateCount = chain.Count - 1,
            };
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }
        finally
        {
            foreach (var certificate in chain)
            {
                certificate.Dispose();
            }
        }
    }

    public static bool TryLoad(
        HttpsCertificateFileOptions files,
        [NotNullWhen(true)] out SslStreamCertificateContext? context,
        [NotNullWhen(true)] out IReadOnlyList<string>? hostNames,
        [NotNullWhen(false)] out string? error)
    {
        context = null;
        hostNames = null;
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(files.CertificateFile);
            if (chain.Count == 0)
            {
                error = $"'{files.CertificateFile}' holds no certificate";
                return false;
            }

            using var leafWithoutKey = chain[0];
            var leaf = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Count; i++)
            {
                intermediates.Add(chain[i]);
            }

            // offline: the chain is taken from the file, nothing is downloaded (AIA) during start-up or handshakes.
            context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
            hostNames = files.HostNames.Count > 0
                ? files.HostNames
                : [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }
    }
}
