using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.IO.Enumeration;
using Microsoft.Extensions.Options;
using PoshClient.Documents;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>
/// Loads the tenants directory into a <see cref="TenantSnapshot"/>: parses every file (re-reading only files whose
/// size or time changed), validates across files, reads certificates, and precomputes every response body.
/// On a reload, a file with errors is rejected on its own and its last good version keeps serving.
/// </summary>
internal sealed class TenantCatalogBuilder(
    IOptions<TenantsOptions> tenantsOptions,
    IOptions<PoshOptions> poshOptions,
    CertificateFileCache certificates,
    TimeProvider timeProvider,
    RetainedCertificates? retained = null)
{
    private readonly ConcurrentDictionary<string, CachedFile<ParsedTenant>> _tenantFiles = new(StringComparer.Ordinal);
    private CachedFile<ParsedSets>? _setsFile;
    private List<(string Path, (long Length, DateTime Written)? Stamp)>? _lastFiles;

    public string DirectoryForLogs => tenantsOptions.Value.ResolveDirectory();

    /// <summary>Where the time of the last load went, for the reload log line (large directories).</summary>
    public CatalogLoadTimings LastTimings { get; private set; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public CatalogLoadResult Load(TenantSnapshot? lastGood, IReadOnlyCollection<string>? changedTenantFiles = null)
    {
        var options = tenantsOptions.Value;
        var directory = options.ResolveDirectory();
        var now = timeProvider.GetUtcNow();
        var diagnostics = new List<TenantDiagnostic>();
        var documents = new Dictionary<string, PoshResponse>(StringComparer.Ordinal);

        if (!Directory.Exists(directory))
        {
            diagnostics.Add(new TenantDiagnostic
            {
                File = options.Directory,
                Severity = TenantDiagnosticSeverity.Error,
                Message = $"the tenants directory '{directory}' does not exist",
                Hint = "Create it, or point Tenants:Directory at the directory holding the tenant YAML files.",
            });
            return new CatalogLoadResult(lastGood ?? TenantSnapshot.Empty, [.. diagnostics]);
        }

        var started = timeProvider.GetTimestamp();
        var sets = LoadSets(directory, options, lastGood, now, diagnostics, documents);
        var tenants = LoadTenants(directory, options, sets, lastGood, lastGood is null ? null : changedTenantFiles, now, diagnostics, documents);
        LastTimings = LastTimings with { Total = timeProvider.GetElapsedTime(started) };

        var published = sets.Values.SelectMany(s => s.Published).Concat(tenants.Values.SelectMany(t => t.Certificates));
        var snapshot = new TenantSnapshot
        {
            // A plain dictionary, never mutated after this point: building a FrozenDictionary of 100,000 names on every
            // reload costs more than its faster lookups save.
            Tenants = tenants,
            Sets = sets.ToFrozenDictionary(StringComparer.Ordinal),
            DefaultSet = sets.GetValueOrDefault(options.DefaultCertificateSet),
            BuiltAt = now,
            NextExpiry = published.Select(c => (DateTimeOffset?)c.NotAfter).Min(),
            Warnings = [.. diagnostics.Where(d => !d.IsError)],
            Generation = (lastGood?.Generation ?? 0) + 1,
        };
        return new CatalogLoadResult(snapshot, [.. diagnostics]);
    }

    private Dictionary<string, CertificateSetEntry> LoadSets(
        string directory, TenantsOptions options, TenantSnapshot? lastGood, DateTimeOffset now,
        List<TenantDiagnostic> diagnostics, Dictionary<string, PoshResponse> documents)
    {
        var path = Path.Combine(directory, options.CertificateSetsFile);
        var display = Display(options, options.CertificateSetsFile);
        var parsed = ReadCached(ref _setsFile, path, options, text =>
        {
            var (sets, problems) = CertificateSetFileParser.Parse(text, display, directory);
            return new ParsedSets(sets, problems);
        }, missing => new ParsedSets(null, [Missing(display, missing)]));

        var result = new Dictionary<string, CertificateSetEntry>(StringComparer.Ordinal);
        if (parsed.Sets is null)
        {
            diagnostics.AddRange(parsed.Diagnostics);
            KeepLastGood(display, lastGood?.Sets.Values.Select(s => s.Set) ?? [], "certificate sets", diagnostics);
            foreach (var (name, entry) in lastGood?.Sets ?? FrozenDictionary<string, CertificateSetEntry>.Empty)
            {
                result[name] = entry;
            }

            return result;
        }

        foreach (var set in parsed.Sets.Values)
        {
            var errors = new List<TenantDiagnostic>();
            // The next slot is published as soon as the renewal tool has written it (S-12); until then it is simply empty.
            var files = set.Rotation.NextCertificate is { } next && File.Exists(next)
                ? set.Certificates.Add(new CertificateReference(next, 0, 0))
                : set.Certificates;
            var read = ReadCertificates(display, files, now, errors, diagnostics).AddRange(retained?.For(set.Name) ?? []);
            if (errors.Count > 0)
            {
                diagnostics.AddRange(errors);
                if (lastGood?.Sets.TryGetValue(set.Name, out var previous) == true)
                {
                    result[set.Name] = previous;
                    diagnostics.Add(Warning(display, 0, 0, $"set '{set.Name}' keeps serving its last good certificates", "Fix the errors above; the set reloads as soon as its files are readable."));
                }

                continue;
            }

            var publishedNow = Publishable(read, now);
            if (lastGood?.Sets.TryGetValue(set.Name, out var unchanged) == true
                && ReferenceEquals(unchanged.Set, set)
                && SameInstances(unchanged.AllCertificates, read)
                && SameInstances(unchanged.Published, publishedNow))
            {
                result[set.Name] = unchanged;
                if (unchanged.Document is { } shared)
                {
                    documents[DocumentKey(unchanged.Published, options.DefaultExpires)] = shared;
                }

                continue;
            }

            result[set.Name] = new CertificateSetEntry
            {
                Set = set,
                AllCertificates = read,
                Published = publishedNow,
                Document = Document(publishedNow, options.DefaultExpires, documents, display, set.Certificates[0], diagnostics),
            };
        }

        if (!result.ContainsKey(options.DefaultCertificateSet))
        {
            diagnostics.Add(new TenantDiagnostic
            {
                File = display,
                Line = 1,
                Column = 1,
                Severity = TenantDiagnosticSeverity.Error,
                Message = $"the default certificate set '{options.DefaultCertificateSet}' is not defined",
                Hint = $"Define '{options.DefaultCertificateSet}:' (it is served on the hoster's own host names), or set Tenants:DefaultCertificateSet.",
            });
        }

        return result;
    }

    private Dictionary<string, TenantEntry> LoadTenants(
        string directory, TenantsOptions options, Dictionary<string, CertificateSetEntry> sets, TenantSnapshot? lastGood,
        IReadOnlyCollection<string>? changedTenantFiles, DateTimeOffset now, List<TenantDiagnostic> diagnostics, Dictionary<string, PoshResponse> documents)
    {
        var phase = timeProvider.GetTimestamp();
        var files = changedTenantFiles is not null && _lastFiles is not null
            ? UpdateTenantFiles(_lastFiles, changedTenantFiles)
            : EnumerateTenantFiles(directory, options);
        _lastFiles = files;
        var enumerated = timeProvider.GetElapsedTime(phase);
        phase = timeProvider.GetTimestamp();
        foreach (var stale in _tenantFiles.Keys.Except(files.Select(f => f.Path), StringComparer.Ordinal))
        {
            _tenantFiles.TryRemove(stale, out _);
        }

        // Who owned each domain in the last good snapshot keeps it: a new file claiming a served domain is the one rejected.
        var previousOwner = lastGood?.Tenants.Values.ToDictionary(e => e.Tenant.Domain, e => e.Tenant.SourceFile, StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lastGoodByFile = lastGood?.Tenants.Values.ToDictionary(e => e.Tenant.SourceFile, StringComparer.Ordinal)
            ?? new Dictionary<string, TenantEntry>(StringComparer.Ordinal);

        // Files are independent until the cross-file checks: read and parse them on every core.
        var read = new (string Display, ParsedTenant Parsed)[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            var (path, stamp) = files[i];
            var display = Display(options, Path.GetFileName(path));
            var cache = _tenantFiles.GetValueOrDefault(path);
            var parsed = ReadCached(ref cache, path, options, text =>
            {
                var (tenant, problems, positions) = TenantFileParser.Parse(text, display, directory, options);
                return new ParsedTenant(tenant, problems, positions);
            }, missing => new ParsedTenant(null, [Missing(display, missing)], new TenantFilePositions((1, 1), (1, 1))), stamp);
            if (cache is not null)
            {
                _tenantFiles[path] = cache;
            }

            read[i] = (display, parsed);
        });

        var parsedTime = timeProvider.GetElapsedTime(phase);
        phase = timeProvider.GetTimestamp();
        var parsedFiles = read
            .OrderBy(f => f.Parsed.Tenant is { } t && previousOwner.TryGetValue(t.Domain, out var owner) && string.Equals(owner, f.Display, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(f => f.Display, StringComparer.Ordinal)
            .ToList();

        var ordered = timeProvider.GetElapsedTime(phase);
        phase = timeProvider.GetTimestamp();
        var result = new Dictionary<string, TenantEntry>(files.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (display, parsed) in parsedFiles)
        {
            // An unchanged file on an unchanged set: the previous entry (documents, ETags) serves as it is.
            if (parsed.Tenant is { ExtraCertificates.IsEmpty: true } same
                && lastGoodByFile.TryGetValue(display, out var reusable)
                && ReferenceEquals(reusable.Tenant, same)
                && sets.TryGetValue(same.CertificateSet, out var sameSet)
                && ReferenceEquals(reusable.Set, sameSet)
                && !result.ContainsKey(same.Domain))
            {
                result[same.Domain] = reusable;
                if (reusable.Document is null && !same.Disabled)
                {
                    diagnostics.Add(NothingToPublish(display, same.Domain));
                }

                continue;
            }

            var errors = new List<TenantDiagnostic>(parsed.Diagnostics);
            var entry = parsed.Tenant is { } tenant ? Resolve(tenant, parsed.Positions, sets, result, now, errors, diagnostics, documents, options) : null;
            if (entry is not null && errors.Count == 0)
            {
                result[entry.Tenant.Domain] = entry;
                continue;
            }

            diagnostics.AddRange(errors);
            if (lastGoodByFile.TryGetValue(display, out var previous) && !result.ContainsKey(previous.Tenant.Domain))
            {
                result[previous.Tenant.Domain] = previous;
                diagnostics.Add(Warning(display, 0, 0, $"the file is rejected; '{previous.Tenant.Domain}' keeps serving its last good version", "Fix the errors above; the tenant reloads as soon as the file is valid."));
            }
        }

        LastTimings = new CatalogLoadTimings(enumerated, parsedTime, ordered, timeProvider.GetElapsedTime(phase), TimeSpan.Zero);
        return result;
    }

    private TenantEntry? Resolve(
        Tenant tenant, TenantFilePositions positions, Dictionary<string, CertificateSetEntry> sets, Dictionary<string, TenantEntry> accepted, DateTimeOffset now,
        List<TenantDiagnostic> errors, List<TenantDiagnostic> diagnostics, Dictionary<string, PoshResponse> documents, TenantsOptions options)
    {
        var display = tenant.SourceFile;
        if (accepted.TryGetValue(tenant.Domain, out var owner))
        {
            errors.Add(Error(display, positions.Domain.Line, positions.Domain.Column, $"domain '{tenant.Domain}' is already defined in {owner.Tenant.SourceFile}", "Keep each domain in exactly one file; delete or rename the duplicate."));
        }

        if (!sets.TryGetValue(tenant.CertificateSet, out var set))
        {
            var known = sets.Count == 0 ? "(none defined)" : string.Join(", ", sets.Keys.Order(StringComparer.Ordinal));
            errors.Add(Error(display, positions.CertificateSet.Line, positions.CertificateSet.Column, $"unknown certificate set '{tenant.CertificateSet}'", $"Use one of the sets defined in {options.CertificateSetsFile}: {known}."));
        }

        var extra = ReadCertificates(display, tenant.ExtraCertificates, now, errors, diagnostics);
        if (errors.Count > 0 || set is null)
        {
            return null;
        }

        var published = CertificateFileReader.NewestFirst(set.Published.Concat(Publishable(extra, now)));
        var anchor = tenant.ExtraCertificates.IsEmpty ? new CertificateReference(display, 1, 1) : tenant.ExtraCertificates[0];
        var documentErrors = new List<TenantDiagnostic>();
        var document = Document(published, tenant.Expires, documents, display, anchor, documentErrors);
        if (documentErrors.Count > 0)
        {
            errors.AddRange(documentErrors);
            return null;
        }

        if (document is null && !tenant.Disabled)
        {
            diagnostics.Add(NothingToPublish(display, tenant.Domain));
        }

        var references = ImmutableDictionary.CreateBuilder<PoshService, PoshResponse>();
        foreach (var service in tenant.Services)
        {
            var url = poshOptions.Value.TenantDocumentUrl(tenant.Domain, service.ToName());
            references[service] = new PoshResponse(PoshDocumentWriter.Write(new ReferenceDocument { Url = url, Expires = tenant.ReferenceExpires }));
        }

        return new TenantEntry { Tenant = tenant, Set = set, Certificates = published, Document = document, References = references.ToImmutable() };
    }

    private ImmutableArray<PublishedCertificate> ReadCertificates(
        string display, ImmutableArray<CertificateReference> references, DateTimeOffset now,
        List<TenantDiagnostic> errors, List<TenantDiagnostic> diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<PublishedCertificate>();
        foreach (var reference in references)
        {
            var (certificate, error) = certificates.Read(reference.Path);
            if (certificate is null)
            {
                errors.Add(Error(display, reference.Line, reference.Column, error ?? "the certificate cannot be read", "Check the path and that the file is a PEM or DER certificate readable by the service user."));
                continue;
            }

            if (certificate.IsExpiredAt(now))
            {
                diagnostics.Add(Warning(display, reference.Line, reference.Column, $"certificate {certificate.Subject} (sha-256 {certificate.Sha256}) expired on {certificate.NotAfter:u} and is no longer published", "Remove it from the list once the new certificate is deployed."));
            }

            if (certificate.IsCertificateAuthority)
            {
                diagnostics.Add(Warning(display, reference.Line, reference.Column, $"certificate {certificate.Subject} is a CA certificate (CA:TRUE)", "Publish the XMPP server's end-entity certificate (RFC 6120 §13.7.1.1); the first certificate of a PEM chain is the one hashed."));
            }

            result.Add(certificate);
        }

        return result.ToImmutable();
    }

    /// <summary>Expired certificates are no longer published (RFC 7711 §6: clients must not accept them anyway); not-yet-valid ones are, ahead of deployment.</summary>
    private static ImmutableArray<PublishedCertificate> Publishable(ImmutableArray<PublishedCertificate> read, DateTimeOffset now) =>
        CertificateFileReader.NewestFirst(read.Where(c => !c.IsExpiredAt(now)));

    private static PoshResponse? Document(
        ImmutableArray<PublishedCertificate> published, long expires, Dictionary<string, PoshResponse> documents,
        string display, CertificateReference anchor, List<TenantDiagnostic> errors)
    {
        if (published.IsEmpty)
        {
            return null;
        }

        // Tenants of one set usually publish identical bytes: share one body (and ETag) between them.
        var key = DocumentKey(published, expires);
        if (documents.TryGetValue(key, out var shared))
        {
            return shared;
        }

        var body = PoshDocumentWriter.Write(new FingerprintsDocument { Fingerprints = [.. published.Select(c => c.Descriptor)], Expires = expires });
        if (body.Length >= PoshDocumentWriter.MaxInteroperableBodyBytes)
        {
            errors.Add(Error(display, anchor.Line, anchor.Column, $"the fingerprints document would be {body.Length} bytes ({published.Length} certificates); deployed verifiers read at most {PoshDocumentWriter.MaxInteroperableBodyBytes}", "Publish fewer certificates: retire expired and replaced ones."));
            return null;
        }

        var response = new PoshResponse(body);
        documents[key] = response;
        return response;
    }

    /// <summary>
    /// The tenant files with their size and modification time, read in the same pass as the directory (one stat per
    /// file); symbolic links get no stamp here and are examined on their own, so a broken or looping link is reported.
    /// </summary>
    private static List<(string Path, (long Length, DateTime Written)? Stamp)> EnumerateTenantFiles(string directory, TenantsOptions options)
    {
        var enumerable = new FileSystemEnumerable<(string Path, (long Length, DateTime Written)? Stamp)>(
            directory,
            (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.Attributes.HasFlag(FileAttributes.ReparsePoint) ? null : (entry.Length, entry.LastWriteTimeUtc.UtcDateTime)),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = default, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
            {
                if (entry.IsDirectory)
                {
                    return false;
                }

                return IsTenantFileName(entry.FileName, options);
            },
        };
        var files = enumerable.ToList();
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    /// <summary>The last listing with only the named files looked at again: added, changed or gone.</summary>
    private static List<(string Path, (long Length, DateTime Written)? Stamp)> UpdateTenantFiles(
        List<(string Path, (long Length, DateTime Written)? Stamp)> previous, IReadOnlyCollection<string> changed)
    {
        var files = previous.ToDictionary(f => f.Path, f => f.Stamp, StringComparer.Ordinal);
        foreach (var path in changed)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                files[path] = null;
            }
            else if (info.Exists)
            {
                files[path] = (info.Length, info.LastWriteTimeUtc);
            }
            else
            {
                files.Remove(path);
            }
        }

        var result = files.Select(pair => (pair.Key, pair.Value)).ToList();
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    /// <summary>Tenant files are <c>*.yaml</c>/<c>*.yml</c> at the top of the directory, except names starting with '.' or '_'.</summary>
    internal static bool IsTenantFileName(ReadOnlySpan<char> name, TenantsOptions options) =>
        (name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal))
        && !name.StartsWith('.') && !name.StartsWith('_')
        && !name.SequenceEqual(options.CertificateSetsFile);

    private static T ReadCached<T>(ref CachedFile<T>? cache, string path, TenantsOptions options, Func<string, T> parse, Func<string, T> unreadable, (long Length, DateTime Written)? knownStamp = null)
        where T : class
    {
        try
        {
            (long Length, DateTime Written) stamp;
            if (knownStamp is { } known)
            {
                stamp = known;
            }
            else
            {
                var info = new FileInfo(path);
                stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
            }

            if (cache is not null && cache.Stamp == stamp)
            {
                return cache.Value;
            }

            T value;
            if (stamp.Length < 0)
            {
                value = unreadable("the file does not exist");
            }
            else if (stamp.Length > options.MaxFileBytes)
            {
                value = unreadable($"the file is {stamp.Length} bytes; tenant files are limited to {options.MaxFileBytes} bytes");
            }
            else
            {
                var bytes = File.ReadAllBytes(path);
                value = TryDecodeUtf8(bytes, out var text) ? parse(text) : unreadable("the file is not valid UTF-8 text");
            }

            cache = new CachedFile<T>(stamp, value);
            return value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not cached: the next reload tries again (e.g. a file being replaced, or permissions fixed).
            return unreadable($"the file cannot be read: {ex.Message}");
        }
    }

    private static bool TryDecodeUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }

            text = text.TrimStart('\uFEFF');
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static void KeepLastGood(string display, IEnumerable<CertificateSet> previous, string what, List<TenantDiagnostic> diagnostics)
    {
        if (previous.Any())
        {
            diagnostics.Add(Warning(display, 0, 0, $"the file is rejected; the last good {what} keep serving", "Fix the errors above; the file reloads as soon as it is valid."));
        }
    }

    private static bool SameInstances<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : class =>
        a.Length == b.Length && a.Zip(b).All(pair => ReferenceEquals(pair.First, pair.Second));

    private static string DocumentKey(ImmutableArray<PublishedCertificate> published, long expires) =>
        string.Join(',', published.Select(c => c.Sha256)) + "|" + expires.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static TenantDiagnostic NothingToPublish(string display, string domain) =>
        Warning(display, 1, 1, $"no unexpired certificate is left to publish for '{domain}'; its documents answer 404", "Deploy a current certificate in its set or extra_certificates.");

    private static string Display(TenantsOptions options, string fileName) => Path.Combine(options.Directory, fileName);

    private static TenantDiagnostic Missing(string display, string message) =>
        Error(display, 0, 0, message, "Check that the file exists, is UTF-8 text and is readable by the service user.");

    private static TenantDiagnostic Error(string file, int line, int column, string message, string hint) =>
        new() { File = file, Line = line, Column = column, Severity = TenantDiagnosticSeverity.Error, Message = message, Hint = hint };

    private static TenantDiagnostic Warning(string file, int line, int column, string message, string hint) =>
        new() { File = file, Line = line, Column = column, Severity = TenantDiagnosticSeverity.Warning, Message = message, Hint = hint };

    private sealed record CachedFile<T>((long Length, DateTime LastWriteUtc) Stamp, T Value);

    private sealed record ParsedTenant(Tenant? Tenant, List<TenantDiagnostic> Diagnostics, TenantFilePositions Positions);

    private sealed record ParsedSets(ImmutableDictionary<string, CertificateSet>? Sets, List<TenantDiagnostic> Diagnostics);
}
