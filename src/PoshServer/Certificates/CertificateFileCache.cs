using System.Collections.Concurrent;

namespace PoshServer.Certificates;

/// <summary>
/// Remembers what each certificate file held at a given size and modification time, so a reload re-reads only
/// the files that changed: fingerprints are computed once per change, not once per reload or per tenant.
/// </summary>
internal sealed class CertificateFileCache
{
    private static readonly (long Length, DateTime LastWriteUtc) Missing = (-1L, DateTime.MinValue);

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

        var stamp = StampOf(info);
        if (_entries.TryGetValue(path, out var cached) && cached.Stamp == stamp)
        {
            return (cached.Certificate, cached.Error);
        }

        CertificateFileReader.TryRead(path, out var certificate, out var error);
        _entries[path] = new Entry(stamp, certificate, error);
        return (certificate, error);
    }

    /// <summary>
    /// Whether <paramref name="path"/> differs from what the last read of it saw (a file never read counts as missing
    /// then): a directory watched only after a load read its files asks this to know whether it missed a change.
    /// </summary>
    public bool ChangedSinceRead(string path)
    {
        (long, DateTime) stamp;
        try
        {
            stamp = StampOf(new FileInfo(path));
        }
        catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return true;
        }

        return stamp != (_entries.TryGetValue(path, out var cached) ? cached.Stamp : Missing);
    }

    /// <summary>
    /// Whether a reload has read (or tried to read: a missing file counts) <paramref name="path"/>, or, with
    /// <paramref name="orBelow"/>, anything below it. The watchers use it to tell a certificate's change from an
    /// unrelated file's in the same directory (issue 14). Stale entries of files no longer referenced only cost a reload.
    /// </summary>
    public bool Knows(string path, bool orBelow)
    {
        if (_entries.ContainsKey(path))
        {
            return true;
        }

        if (!orBelow)
        {
            return false;
        }

        var prefix = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        foreach (var key in _entries.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static (long Length, DateTime LastWriteUtc) StampOf(FileInfo info) => info.Exists ? (info.Length, info.LastWriteTimeUtc) : Missing;

    private sealed record Entry((long Length, DateTime LastWriteUtc) Stamp, PublishedCertificate? Certificate, string? Error);
}
