using System.Collections.Frozen;
using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// Step 3a of the catalog: the certificate sets file → each set with its certificates read and its own document built.
/// A set whose file and certificates are unchanged keeps its entry (and so every tenant on it keeps its entry too);
/// a set whose certificates cannot be read keeps its last good entry.
/// </summary>
internal sealed class CertificateSetResolver(TenantsOptions options, CertificateReferenceReader certificates, RetainedCertificates? retained)
{
    private (TenantFileStamp Stamp, ImmutableDictionary<string, CertificateSet>? Sets, List<TenantDiagnostic> Diagnostics)? _cache;

    public Dictionary<string, CertificateSetEntry> Resolve(
        string directory, FrozenDictionary<string, CertificateSetEntry>? lastGood, DateTimeOffset now,
        List<TenantDiagnostic> diagnostics, PoshDocumentCache documents)
    {
        var display = TenantCatalogBuilder.Display(options, options.CertificateSetsFile);
        var (parsed, problems) = Parse(directory, display);
        var result = new Dictionary<string, CertificateSetEntry>(StringComparer.Ordinal);
        if (parsed is null)
        {
            diagnostics.AddRange(problems);
            if (lastGood is { Count: > 0 })
            {
                diagnostics.Add(TenantDiagnostic.Warning(display, 0, 0, "the file is rejected; the last good certificate sets keep serving", "Fix the errors above; the file reloads as soon as it is valid."));
                foreach (var (name, entry) in lastGood)
                {
                    result[name] = entry;
                    AdoptDocument(entry, documents);
                }
            }

            return result;
        }

        foreach (var set in parsed.Values)
        {
            var errors = new List<TenantDiagnostic>();
            // The next slot is published as soon as the renewal tool has written it (S-12); until then it is simply empty.
            var files = set.Rotation.NextCertificate is { } next && File.Exists(next)
                ? set.Certificates.Add(new CertificateReference(next, 0, 0))
                : set.Certificates;
            var read = certificates.Read(display, files, now, errors, diagnostics).AddRange(retained?.For(set.Name) ?? []);
            if (errors.Count > 0)
            {
                diagnostics.AddRange(errors);
                if (lastGood?.TryGetValue(set.Name, out var previous) == true)
                {
                    result[set.Name] = previous;
                    AdoptDocument(previous, documents);
                    diagnostics.Add(TenantDiagnostic.Warning(display, 0, 0, $"set '{set.Name}' keeps serving its last good certificates", "Fix the errors above; the set reloads as soon as its files are readable."));
                }

                continue;
            }

            var published = CertificateReferenceReader.Publishable(read, now);
            if (lastGood?.TryGetValue(set.Name, out var unchanged) == true
                && ReferenceEquals(unchanged.Set, set)
                && SameInstances(unchanged.AllCertificates, read)
                && SameInstances(unchanged.Published, published))
            {
                result[set.Name] = unchanged;
                AdoptDocument(unchanged, documents);
                continue;
            }

            var document = documents.For(published, options.DefaultExpires, out var tooLarge);
            if (tooLarge > 0)
            {
                var anchor = set.Certificates[0];
                diagnostics.Add(TenantDiagnostic.Error(display, anchor.Line, anchor.Column, $"the fingerprints document would be {tooLarge} bytes ({published.Length} certificates); deployed verifiers read at most {PoshClient.Documents.PoshDocumentWriter.MaxInteroperableBodyBytes}", "Publish fewer certificates: retire expired and replaced ones."));
            }

            result[set.Name] = new CertificateSetEntry { Set = set, AllCertificates = read, Published = published, Document = document };
        }

        if (!result.ContainsKey(options.DefaultCertificateSet))
        {
            diagnostics.Add(TenantDiagnostic.Error(display, 1, 1, $"the default certificate set '{options.DefaultCertificateSet}' is not defined", $"Define '{options.DefaultCertificateSet}:' (it is served on the hoster's own host names), or set Tenants:DefaultCertificateSet."));
        }

        return result;
    }

    /// <summary>Parses the sets file, again only when its size or time changed (the parsed sets are then the same instances).</summary>
    private (ImmutableDictionary<string, CertificateSet>? Sets, List<TenantDiagnostic> Problems) Parse(string directory, string display)
    {
        var path = Path.Combine(directory, options.CertificateSetsFile);
        var stamp = TenantFileText.StampOf(path, out var stampError, out var stampTransient);
        if (stamp is not { } current)
        {
            _cache = null;
            return (null, [Unusable(display, stampError ?? "the file does not exist", stampTransient)]);
        }

        if (_cache is { } cached && cached.Stamp == current)
        {
            return (cached.Sets, cached.Diagnostics);
        }

        var text = TenantFileText.Read(path, current, options.MaxFileBytes, out var error, out var transient);
        if (text is null)
        {
            var unusable = Unusable(display, error!, transient);
            if (!transient)
            {
                _cache = (current, null, [unusable]);
            }

            return (null, [unusable]);
        }

        var (sets, problems) = CertificateSetFileParser.Parse(text, display, directory);
        _cache = (current, sets, problems);
        return (sets, problems);
    }

    private void AdoptDocument(CertificateSetEntry entry, PoshDocumentCache documents)
    {
        if (entry.Document is { } document)
        {
            documents.Adopt(entry.Published, options.DefaultExpires, document);
        }
    }

    private static TenantDiagnostic Unusable(string display, string message, bool transient) =>
        TenantDiagnostic.Error(display, 0, 0, message, "Check that the file exists, is UTF-8 text and is readable by the service user.") with { Transient = transient };

    private static bool SameInstances<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : class
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
