using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using PoshServer.Certificates;
using PoshServer.Posh;

namespace PoshServer.Tenants;

/// <summary>
/// Loads the tenants directory into a <see cref="TenantSnapshot"/>, in five steps each in its own type:
/// scan (<see cref="TenantDirectoryScanner"/>) → parse (<see cref="TenantFileReader"/>) → resolve sets and tenants
/// (<see cref="CertificateSetResolver"/>, <see cref="TenantResolver"/>) → build documents (<see cref="PoshDocumentCache"/>)
/// → snapshot (<see cref="TenantCatalog"/>).
/// <para>
/// A full load (start-up, SIGHUP, the sets file or a certificate changed, an I/O error to retry) lists the directory
/// and re-reads only files whose stamp changed. A load naming changed tenant files applies just those to the
/// current catalog, in time independent of the number of tenants. Either way a file with errors is rejected on its
/// own and its last good version keeps serving, and an I/O error never withdraws a tenant.
/// </para>
/// </summary>
internal sealed class TenantCatalogBuilder
{
    private readonly IOptions<TenantsOptions> _tenantsOptions;
    private readonly TimeProvider _timeProvider;
    private readonly TenantFileReader _reader;
    private readonly CertificateSetResolver _sets;
    private readonly TenantResolver _resolver;
    private readonly TenantFileSettler? _settler;
    private readonly ReloadPacer? _pacer;
    private PoshDocumentCache _documents = new();
    private TenantCatalog? _catalog;
    private TenantSnapshot? _produced;
    private ImmutableArray<TenantDiagnostic> _globalDiagnostics = [];
    private DateTimeOffset? _setsExpiry;

    public TenantCatalogBuilder(
        IOptions<TenantsOptions> tenantsOptions,
        IOptions<PoshOptions> poshOptions,
        CertificateFileCache certificates,
        TimeProvider timeProvider,
        RetainedCertificates? retained = null,
        TenantFileSettler? settler = null,
        ReloadPacer? pacer = null)
    {
        _settler = settler;
        _pacer = pacer;
        _tenantsOptions = tenantsOptions;
        _timeProvider = timeProvider;
        var options = tenantsOptions.Value;
        var certificateReader = new CertificateReferenceReader(certificates);
        _reader = new TenantFileReader(options);
        _sets = new CertificateSetResolver(options, certificateReader, retained);
        _resolver = new TenantResolver(options, certificateReader, new TenantReferenceWriter(poshOptions));
    }

    public string DirectoryForLogs => _tenantsOptions.Value.ResolveDirectory();

    /// <summary>The parse results remembered by stamp, which <see cref="TenantParseCache"/> keeps across restarts.</summary>
    internal TenantFileReader Reader => _reader;

    /// <summary>How soon a load that failed is tried again (<see cref="TenantsOptions.RetryInterval"/>).</summary>
    public TimeSpan RetryInterval => _tenantsOptions.Value.RetryInterval;

    /// <summary>Where the time of the last load went, for the reload log line (large directories).</summary>
    public CatalogLoadTimings LastTimings { get; private set; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Tenant files are <c>*.yaml</c>/<c>*.yml</c> at the top of the directory, except names starting with '.' or '_'.</summary>
    internal static bool IsTenantFileName(ReadOnlySpan<char> name, TenantsOptions options) => TenantDirectoryScanner.IsTenantFileName(name, options);

    /// <summary>A file's name as shown in messages and in <see cref="Tenant.SourceFile"/>.</summary>
    internal static string Display(TenantsOptions options, string fileName) => Display(options.Directory, fileName);

    /// <inheritdoc cref="Display(TenantsOptions, string)"/>
    internal static string Display(string directory, string fileName) => Path.Combine(directory, fileName);

    /// <summary>
    /// Loads the directory. With <paramref name="changedTenantFiles"/> (paths of tenant files the watcher named) and
    /// <paramref name="lastGood"/> the snapshot this builder produced last, only those files are looked at again.
    /// <paramref name="completeTenantFiles"/>, for a full load, names files known to be whole (renamed into place, or
    /// settled) that the load must take as they are rather than hold back to settle: a rename is published at once
    /// even when a full load (the start-up catch-up, SIGHUP) absorbs its event (issue 13).
    /// </summary>
    public CatalogLoadResult Load(TenantSnapshot? lastGood, IReadOnlyCollection<string>? changedTenantFiles = null, IReadOnlyCollection<string>? completeTenantFiles = null)
    {
        var options = _tenantsOptions.Value;
        var directory = options.ResolveDirectory();
        var now = _timeProvider.GetUtcNow();
        var complete = completeTenantFiles is null ? null : completeTenantFiles.Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return lastGood is not null && changedTenantFiles is not null && _catalog is not null && ReferenceEquals(lastGood, _produced)
            ? LoadChanged(_catalog, lastGood, changedTenantFiles, directory, options, now)
            : LoadAll(lastGood, directory, options, now, complete);
    }

    private CatalogLoadResult LoadChanged(
        TenantCatalog catalog, TenantSnapshot lastGood, IReadOnlyCollection<string> changedTenantFiles, string directory, TenantsOptions options, DateTimeOffset now)
    {
        var started = _timeProvider.GetTimestamp();
        catalog.Begin(lastGood.Sets, now, _documents);
        foreach (var name in changedTenantFiles.Select(Path.GetFileName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(name) || !IsTenantFileName(name, options))
            {
                continue;
            }

            var probe = TenantDirectoryScanner.Probe(directory, name);
            switch (probe.State)
            {
                case TenantFileProbeState.Gone:
                    _reader.Forget(name);
                    catalog.Remove(name);
                    break;
                case TenantFileProbeState.Unreadable:
                    catalog.MarkUnreadable(name, TenantDiagnostic.Error(Display(options, name), 0, 0, probe.Error!, "Check that the tenants directory and the file are readable by the service user; the load is retried until they are.") with { Transient = true });
                    break;
                default:
                    catalog.Apply(name, _reader.Read(directory, name, probe.Stamp, force: true));
                    break;
            }
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        LastTimings = new CatalogLoadTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, elapsed, elapsed);
        return Publish(catalog, lastGood.Sets, lastGood.DefaultSet, lastGood, now);
    }

    private CatalogLoadResult LoadAll(TenantSnapshot? lastGood, string directory, TenantsOptions options, DateTimeOffset now, HashSet<string>? complete = null)
    {
        var started = _timeProvider.GetTimestamp();
        // A reload runs while the server serves: it yields a contended CPU to the requests (the first load serves no one).
        var pace = lastGood is not null ? _pacer : null;
        pace?.Begin();
        var listing = Directory.Exists(directory)
            ? TenantDirectoryScanner.List(directory, options, pace, _reader)
            : new TenantDirectoryListing(null, $"the tenants directory '{directory}' does not exist");
        var enumerated = _timeProvider.GetElapsedTime(started);
        if (listing.Files is not { } files)
        {
            // Nothing is known about any file: everything keeps serving as it is, and the load is retried.
            var error = TenantDiagnostic.Error(options.Directory, 0, 0, listing.Error!, "Create it, make it readable by the service user, or point Tenants:Directory at the directory holding the tenant YAML files; the load is retried until it succeeds.") with { Transient = true };
            _globalDiagnostics = [.. _globalDiagnostics.Where(d => !d.Transient || !string.Equals(d.File, options.Directory, StringComparison.Ordinal)), error];
            LastTimings = new CatalogLoadTimings(enumerated, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, enumerated);
            var kept = lastGood ?? TenantSnapshot.Empty;
            var problems = ReferenceEquals(kept, _produced) && _catalog is not null ? _catalog.Problems : [];
            return new CatalogLoadResult(kept, [error, .. problems]);
        }

        var documents = new PoshDocumentCache();
        var globals = new List<TenantDiagnostic>();
        var sets = _sets.Resolve(directory, lastGood?.Sets, now, globals, documents);

        var phase = _timeProvider.GetTimestamp();
        var previous = lastGood is not null && ReferenceEquals(lastGood, _produced) ? _catalog : null;
        // With the same sets, the load is the difference from the catalog (below), which orders only the files it
        // applies; a rebuild applies every file in name order.
        var sameSets = previous is not null && SameSets(lastGood!.Sets, sets);
        var ordered = TimeSpan.Zero;
        if (!sameSets)
        {
            TenantDirectoryScanner.SortByName(files);
            ordered = _timeProvider.GetElapsedTime(phase);
        }

        phase = _timeProvider.GetTimestamp();
        _reader.Retain(files);
        var parsed = new ParsedTenantFile?[files.Count];
        ParsedTenantFile? ReadOne(int i) => complete?.Contains(files[i].Name) != true && Settling(directory, files[i], lastGood, now)
            ? previous?.ParsedBy(files[i].Name)
            : _reader.Read(directory, files[i]);
        if (lastGood is null)
        {
            // The first load: nothing serves yet, and files are independent until the domains are decided: read and
            // parse them on every core.
            Parallel.For(0, files.Count, i => parsed[i] = ReadOne(i));
        }
        else
        {
            // A reload while serving: on the calling (load) thread only, pacing itself. The pool's threads are the
            // requests' (see LoadThread); unchanged files are cached by stamp anyway.
            for (var i = 0; i < files.Count; i++)
            {
                parsed[i] = ReadOne(i);
                pace?.Step();
            }
        }
        var parseTime = _timeProvider.GetElapsedTime(phase);

        phase = _timeProvider.GetTimestamp();
        TenantCatalog catalog;
        if (sameSets && previous is not null)
        {
            // Nothing every tenant depends on changed: the full load is the difference between the listing and the
            // catalog, applied like the watcher's changes (same rules, so the same result as a rebuild, without
            // rebuilding 100,000 entries and the garbage of doing so on every SIGHUP).
            catalog = previous;
            catalog.Begin(sets, now, _documents);
            documents = _documents;
            ApplyDifference(catalog, files, parsed, pace);
        }
        else
        {
            catalog = Rebuild(files, parsed, lastGood, previous, sets, now, documents, options, pace, out var partitioned);
            ordered += partitioned;
        }

        var resolved = _timeProvider.GetElapsedTime(phase) - ordered;
        _catalog = catalog;
        _documents = documents;
        _globalDiagnostics = [.. globals];
        _setsExpiry = sets.Values.SelectMany(s => s.Published).Select(c => (DateTimeOffset?)c.NotAfter).Min();
        LastTimings = new CatalogLoadTimings(enumerated, parseTime, ordered, resolved, _timeProvider.GetElapsedTime(started), pace?.Slept ?? TimeSpan.Zero);
        return Publish(catalog, sameSets ? lastGood!.Sets : sets.ToFrozenDictionary(StringComparer.Ordinal), sets.GetValueOrDefault(options.DefaultCertificateSet), lastGood, now);
    }

    /// <summary>
    /// Brings the catalog to the listing (in the directory's order): files whose version changed (or that bring their
    /// own certificates, which may have changed on disk although the file did not) are applied in name order, as a
    /// rebuild would apply them, and files no longer listed are removed. An unchanged directory costs one lookup per
    /// file: no sort, and no set of every name unless some file is gone.
    /// </summary>
    private static void ApplyDifference(TenantCatalog catalog, List<ListedTenantFile> files, ParsedTenantFile?[] parsed, ReloadPacer? pace)
    {
        var held = 0;
        List<int>? changed = null;
        for (var i = 0; i < files.Count; i++)
        {
            pace?.Step();
            var before = catalog.ParsedBy(files[i].Name);
            held += before is null ? 0 : 1;
            if (parsed[i] is { } version && (!ReferenceEquals(before, version) || version.Tenant?.ExtraCertificates.IsEmpty == false))
            {
                (changed ??= []).Add(i);
            }
        }

        var gone = held == catalog.FileCount ? null : catalog.Names.Except(files.Select(f => f.Name), StringComparer.Ordinal).ToList();
        if (changed is not null)
        {
            changed.Sort((a, b) => string.CompareOrdinal(files[a].Name, files[b].Name));
            foreach (var i in changed)
            {
                catalog.Apply(files[i].Name, parsed[i]!);
            }
        }

        foreach (var name in gone ?? [])
        {
            catalog.Remove(name);
        }
    }

    /// <summary>A new catalog from every file: the sets changed (or there is no catalog to start from).</summary>
    private TenantCatalog Rebuild(
        List<ListedTenantFile> files, ParsedTenantFile?[] parsed, TenantSnapshot? lastGood, TenantCatalog? previous,
        Dictionary<string, CertificateSetEntry> sets, DateTimeOffset now, PoshDocumentCache documents, TenantsOptions options, ReloadPacer? pace, out TimeSpan ordered)
    {
        var phase = _timeProvider.GetTimestamp();
        var lastGoodByFile = previous is null && lastGood is not null
            ? lastGood.Tenants.Values.ToDictionary(e => e.Tenant.SourceFile, StringComparer.Ordinal)
            : null;
        // Who served a domain keeps it: a file claiming a served domain is the one rejected, so files that serve the
        // domain they claim go first; the rest in name order (the listing's). Two passes, not a sort: the first load
        // has no owners at all.
        var order = new List<int>(files.Count);
        var owners = lastGood is null || lastGood.Tenants.Count == 0 ? null : new bool[files.Count];
        if (owners is not null)
        {
            for (var i = 0; i < files.Count; i++)
            {
                if (parsed[i]?.Tenant is { } t && lastGood!.Tenants.TryGetValue(t.Domain, out var owner) && owner.Tenant.ComesFromSameFile(t))
                {
                    owners[i] = true;
                    order.Add(i);
                }
            }
        }

        for (var i = 0; i < files.Count; i++)
        {
            if (parsed[i] is not null && owners?[i] != true)
            {
                order.Add(i);
            }
        }

        ordered = _timeProvider.GetElapsedTime(phase);

        var catalog = new TenantCatalog(_resolver, order.Count);
        catalog.Begin(sets, now, documents);
        foreach (var i in order)
        {
            var name = files[i].Name;
            var lastVersion = previous is not null ? previous.ServedBy(name) : lastGoodByFile?.GetValueOrDefault(Display(options, name));
            catalog.Apply(name, parsed[i]!, lastVersion);
            pace?.Step();
        }

        return catalog;
    }

    private static bool SameSets(FrozenDictionary<string, CertificateSetEntry> before, Dictionary<string, CertificateSetEntry> after) =>
        before.Count == after.Count && after.All(pair => before.TryGetValue(pair.Key, out var entry) && ReferenceEquals(entry, pair.Value));

    /// <summary>
    /// Whether a full load must leave this file as it was: it is waiting to settle, or it changed so recently that it
    /// may still be being written (the event for it may not even have arrived). It is handed to the settler, which
    /// names it once it is stable. The first load takes every file as it is: there is nothing older to serve.
    /// </summary>
    private bool Settling(string directory, ListedTenantFile file, TenantSnapshot? lastGood, DateTimeOffset now)
    {
        if (lastGood is null || _settler is not { Quiet: var quiet } settler || quiet <= TimeSpan.Zero)
        {
            return false;
        }

        // The path only when it is needed: one string per file on every full load otherwise (100,000 of them).
        if (settler.PendingCount > 0 && settler.IsPending(Path.Combine(directory, file.Name)))
        {
            return true;
        }

        if (file.Stamp is { } stamp && (file.Remembered?.Stamp ?? _reader.CachedStamp(file.Name)) != stamp && now - new DateTimeOffset(stamp.Written, TimeSpan.Zero) < quiet)
        {
            settler.Written(Path.Combine(directory, file.Name));
            return true;
        }

        return false;
    }

    private CatalogLoadResult Publish(
        TenantCatalog catalog, FrozenDictionary<string, CertificateSetEntry> sets, CertificateSetEntry? defaultSet, TenantSnapshot? lastGood, DateTimeOffset now)
    {
        ImmutableArray<TenantDiagnostic> diagnostics = [.. _globalDiagnostics, .. catalog.Problems];
        var extraExpiry = catalog.NextExtraExpiry;
        var snapshot = new TenantSnapshot
        {
            Tenants = catalog.Tenants,
            Sets = sets,
            DefaultSet = defaultSet,
            BuiltAt = now,
            NextExpiry = _setsExpiry is { } a && extraExpiry is { } b ? (a < b ? a : b) : _setsExpiry ?? extraExpiry,
            Warnings = [.. diagnostics.Where(d => !d.IsError)],
            Generation = (lastGood?.Generation ?? 0) + 1,
            LongestExpires = catalog.LongestExpires,
            AcmeDomains = catalog.AcmeDomains,
            // Relative to the snapshot this builder produced last, which is lastGood whenever the catalog was kept.
            ChangedDomains = catalog.TakeChanges() is { } changed && lastGood is not null && ReferenceEquals(lastGood, _produced) ? changed : null,
        };
        _produced = snapshot;
        return new CatalogLoadResult(snapshot, diagnostics);
    }
}
