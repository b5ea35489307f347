using System.Collections.Concurrent;

namespace PoshServer.Certificates;

/// <summary>
/// Remembers what each certificate file held at a given size and modification time, so a reload re-reads only
/// the files that changed: fingerprints are computed once per change, not once per reload or per tenant.
/// </summary>
internal sealed class CertificateFileCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public (PublishedCertificate? Certificate, string? Error) Read(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException)
        {
            return (null, $"'{path}' is not a valid path: {ex.Message}");
        }

        var stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
        if (_entries.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return (cached.Certificate, cached.Error);
        }

        CertificateFileReader.TryRead(path, out var certificate, out var error);
        _entries[path] = new Entry(stamp, certificate, error);
        return (certificate, error);
    }

    private sealed record Entry((long Length, DateTime LastWriteUtc) Stamp, PublishedCertificate? Certificate, string? Error);
}
