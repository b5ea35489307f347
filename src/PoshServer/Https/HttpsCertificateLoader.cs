using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoshServer.Https;

/// <summary>Builds an <see cref="SslStreamCertificateContext"/> (leaf + key + intermediates) from PEM files.</summary>
internal static class HttpsCertificateLoader
{
    /// <summary>
    /// Reads the certificate file (not the key) for its names and expiry (<see cref="PemCertificateSummary"/>), and
    /// checks that the key file can be opened: the cheap part of <see cref="TryLoad"/> (tens of microseconds), so
    /// thousands of files are ready in seconds and each context is built on its first handshake.
    /// </summary>
    public static bool TryInspect(
        HttpsCertificateFileOptions files,
        [NotNullWhen(true)] out HttpsCertificateFileInfo? info,
        [NotNullWhen(false)] out string? error)
    {
        info = null;
        try
        {
            if (!PemCertificateSummary.TryRead(File.ReadAllText(files.CertificateFile), out var dnsNames, out var notAfter, out var intermediates, out var problem))
            {
                error = $"'{files.CertificateFile}' {problem}";
                return false;
            }

            using (File.OpenHandle(files.KeyFile))
            {
                // Readable; whether it matches the certificate is checked when the context is built.
            }

            info = new HttpsCertificateFileInfo
            {
                HostNames = files.HostNames.Count > 0 ? files.HostNames : dnsNames,
                NotAfter = notAfter,
                IntermediateCount = intermediates,
            };
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            error = ex.Message;
            return false;
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
