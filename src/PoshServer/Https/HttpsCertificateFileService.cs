using System.Collections.Concurrent;
using System.Net.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PoshServer.Posh;
using PoshServer.Watching;

namespace PoshServer.Https;

/// <summary>
/// Puts the configured HTTPS certificate files into <see cref="HttpsCertificateStore"/> and reloads them when they
/// change (a renewal tool replacing fullchain.pem/privkey.pem). A file that fails to load keeps its previous
/// certificate serving. With no files configured, a development certificate is created.
/// </summary>
internal sealed class HttpsCertificateFileService(
    HttpsCertificateStore store,
    IOptions<HttpsOptions> options,
    IOptions<PoshOptions> poshOptions,
    TimeProvider timeProvider,
    ILogger<HttpsCertificateFileService> logger) : BackgroundService
{
    private readonly Dictionary<string, (long Length, DateTime Written)> _stamps = new(StringComparer.Ordinal);
    // Certificates (file and notAfter) already warned about: once per certificate, not on every reload (issue 14).
    private readonly HashSet<string> _expiryWarned = new(StringComparer.Ordinal);
    // Renewal tools write the chain and the key one after the other: one look after both.
    private readonly DebouncedSignal _signal = new(TimeSpan.FromMilliseconds(200), timeProvider);
    // Files whose latest reload failed (their previous certificate keeps serving), for health: by certificate file.
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);

    /// <summary>Certificate files whose latest reload failed, with the reason; empty when every file loaded.</summary>
    public IReadOnlyCollection<KeyValuePair<string, string>> Failures => [.. _failures.OrderBy(f => f.Key, StringComparer.Ordinal)];

    private static bool IsLoopbackName(string name) =>
        string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Loads everything once, before Kestrel listens; returns the problems (the caller refuses to start on any).
    /// The first file (the fallback) is built at once; the others are inspected in parallel (names, expiry, key file
    /// readable) and each builds its context on the first handshake that asks for one of its names, so 10,000 files
    /// are ready in seconds and cost memory only once they are used.
    /// </summary>
    /// <param name="acmeNames">
    /// The names another source (ACME) certifies, or null when ACME is off. With ACME on, the development certificate
    /// (made only when no file is configured) covers just the other hoster names and is not the fallback: an ACME name
    /// waiting for its first certificate gets none rather than a certificate peers would reject (issue 13).
    /// </param>
    public IReadOnlyList<string> LoadInitial(IReadOnlyCollection<string>? acmeNames = null)
    {
        var errors = new List<string>();
        var https = options.Value;
        if (https.Certificates.Count == 0)
        {
            var names = poshOptions.Value.HostNames.Append("localhost").Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(name => acmeNames is null || !acmeNames.Contains(HttpsCertificateStore.Normalize(name), StringComparer.OrdinalIgnoreCase))
                .ToList();
            if (acmeNames is not null && names.Count == 0)
            {
                HttpsLog.NoCertificateFiles(logger);
                return errors;
            }

            var certificate = DevelopmentCertificate.Create(names, timeProvider);
            var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
            foreach (var name in names)
            {
                store.Set(name, context);
            }

            if (acmeNames is null)
            {
                store.SetFallback(context);
            }

            // With ACME certifying the hoster's names, a development certificate left only for loopback names
            // (localhost) is no misconfiguration a peer could meet: warn only about names peers may use (issue 14).
            var exposed = acmeNames is null ? names : [.. names.Where(name => !IsLoopbackName(name))];
            if (exposed.Count > 0)
            {
                HttpsLog.DevelopmentCertificate(logger, string.Join(", ", exposed));
            }

            return errors;
        }

        var started = timeProvider.GetTimestamp();
        var files = https.Certificates;
        var inspected = new (HttpsCertificateFileInfo? Info, string? Error)[files.Count];
        Parallel.For(1, files.Count, i =>
        {
            inspected[i] = HttpsCertificateLoader.TryInspect(files[i], out var info, out var error) ? (info, null) : (null, error);
        });
        // At first start nothing serves yet: the problems are returned for the caller to print, not logged as
        // "the previous certificate keeps serving" (issue 14).
        if (!Load(files[0], isFallback: true, out var fallbackError, logFailure: false))
        {
            errors.Add($"Https:Certificates:0: {fallbackError}");
        }

        var entries = new List<KeyValuePair<string, HttpsCertificate>>();
        for (var i = 1; i < files.Count; i++)
        {
            Changed(files[i]);
            var (info, error) = inspected[i];
            if (info is null)
            {
                errors.Add($"Https:Certificates:{i}: {error}");
                continue;
            }

            var file = files[i];
            var certificate = new HttpsCertificate(() => Build(file));
            foreach (var name in info.HostNames)
            {
                entries.Add(KeyValuePair.Create(name, certificate));
            }

            HttpsLog.Registered(logger, string.Join(", ", info.HostNames), file.CertificateFile, info.NotAfter, info.IntermediateCount);
            WarnIfExpiresSoon(file, info.NotAfter);
        }

        store.SetMany(entries);
        HttpsLog.InitialLoadCompleted(logger, files.Count, store.HostNames.Count, timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return errors;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var files = options.Value.Certificates;
        if (files.Count == 0)
        {
            return;
        }

        var watched = files
            .SelectMany(f => new[] { f.CertificateFile, f.KeyFile })
            .Select(Path.GetFullPath)
            .ToHashSet(StringComparer.Ordinal);
        var watchers = watched
            .Select(f => Path.GetDirectoryName(f)!)
            .Distinct(StringComparer.Ordinal)
            .Select(directory => DirectoryWatch.TryStart(
                new DirectoryWatchOptions { Directory = directory },
                change =>
                {
                    // Only the configured files, and a Secret volume's "..data" flip: a key backup or a renewal tool's
                    // log beside them is not a reason to look (issue 14).
                    if (change.Kind != FileChangeKind.Deleted && (watched.Contains(change.Path) || Path.GetFileName(change.Path).StartsWith("..", StringComparison.Ordinal)))
                    {
                        _signal.Signal();
                    }
                },
                _ => _signal.Signal(),
                out _))
            .OfType<FileSystemWatcher>()
            .ToList();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Also poll once a minute: some renewal tools swap symlinked directories, which not every watcher reports.
                await _signal.WaitAsync(TimeSpan.FromMinutes(1), stoppingToken);
                var current = -1;
                try
                {
                    for (current = 0; current < files.Count; current++)
                    {
                        if (Changed(files[current]))
                        {
                            Load(files[current], isFallback: current == 0, out _);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Top of the background loop: a BackgroundService that throws stops the host (the default
                    // BackgroundServiceExceptionBehavior.StopHost), and the installed certificates serve fine (issue 14).
                    // The file at hand is forgotten, so the next pass loads it again.
                    if (current >= 0 && current < files.Count)
                    {
                        _stamps.Remove(files[current].CertificateFile);
                        _stamps.Remove(files[current].KeyFile);
                    }

                    HttpsLog.FileLoopFailed(logger, ex);
                }
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
    }

    private bool Load(HttpsCertificateFileOptions file, bool isFallback, out string? error, bool logFailure = true)
    {
        Changed(file);
        if (!HttpsCertificateLoader.TryLoad(file, out var context, out var hostNames, out error))
        {
            if (logFailure)
            {
                HttpsLog.LoadFailed(logger, file.CertificateFile, error);
                _failures[file.CertificateFile] = error;
            }

            return false;
        }

        _failures.TryRemove(file.CertificateFile, out _);

        var certificate = new HttpsCertificate(context);
        foreach (var name in hostNames)
        {
            store.Set(name, certificate);
        }

        if (isFallback)
        {
            store.SetFallback(options.Value.UnknownSni == UnknownSniBehavior.Fallback ? certificate : null);
        }

        var notAfter = new DateTimeOffset(context.TargetCertificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        HttpsLog.Loaded(logger, string.Join(", ", hostNames), file.CertificateFile, notAfter, context.IntermediateCertificates.Count);
        WarnIfExpiresSoon(file, notAfter);
        return true;
    }

    /// <summary>The context of a file inspected at start, built on its first handshake; null (logged) if the files no longer load.</summary>
    private SslStreamCertificateContext? Build(HttpsCertificateFileOptions file)
    {
        if (HttpsCertificateLoader.TryLoad(file, out var context, out _, out var error))
        {
            return context;
        }

        HttpsLog.LoadFailed(logger, file.CertificateFile, error);
        _failures[file.CertificateFile] = error;
        return null;
    }

    private void WarnIfExpiresSoon(HttpsCertificateFileOptions file, DateTimeOffset notAfter)
    {
        // A renewed certificate has another notAfter: it is warned about again if it too expires soon.
        if (notAfter - timeProvider.GetUtcNow() < TimeSpan.FromDays(14) && _expiryWarned.Add(file.CertificateFile + "|" + notAfter.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            HttpsLog.ExpiresSoon(logger, file.CertificateFile, notAfter);
        }
    }

    /// <summary>Records the files' current stamps; true when either differs from the last load.</summary>
    private bool Changed(HttpsCertificateFileOptions file)
    {
        var changed = false;
        foreach (var path in new[] { file.CertificateFile, file.KeyFile })
        {
            var info = new FileInfo(path);
            var stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
            if (!_stamps.TryGetValue(path, out var previous) || previous != stamp)
            {
                changed = true;
                _stamps[path] = stamp;
            }
        }

        return changed;
    }
}
