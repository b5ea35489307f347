using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// Step 5 of the catalog: which file serves which domain, kept between loads so that one changed, added or removed
/// file is applied in time independent of the number of tenants. The served tenants live in a persistent
/// (immutable, structurally shared) map: taking a snapshot is O(1) and a change copies one small node per level (at most eight), so the
/// request path still reads an immutable snapshot swapped in atomically. Not thread-safe: used under the reload lock.
/// <para>
/// The rules, the same for a full load and for one file: a file claiming a domain another file serves is rejected
/// (the served one keeps it); a rejected or unreadable file keeps serving its last good version; when a served
/// domain is freed (its file deleted or moved to another domain), the first file by name that claims it takes over.
/// </para>
/// </summary>
internal sealed class TenantCatalog(TenantResolver resolver, int files = 0)
{
    // Sized for the files of the load that makes the catalog, rather than grown through every doubling.
    private readonly Dictionary<string, FileState> _files = new(files, StringComparer.Ordinal);
    // Only files whose claim is not satisfied (rejected duplicates): they are the candidates when a domain is freed.
    private readonly Dictionary<string, SortedSet<string>> _waiting = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ImmutableArray<TenantDiagnostic>> _problems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _extraExpiry = new(StringComparer.Ordinal);
    private readonly PersistentMapBuilder<string, TenantEntry> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly ExpiresTally _expires = new();
    private readonly ImmutableSortedSet<string>.Builder _acme = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, CertificateSetEntry> _sets = ImmutableDictionary<string, CertificateSetEntry>.Empty;
    private PoshDocumentCache _documents = new();
    // Domains whose entry changed since the last TakeChanges; null until the first (a new catalog changed everything).
    private HashSet<string>? _changed;
    private DateTimeOffset _now;
    // One pair of lists for every Apply rather than two new ones per file (100,000 at a full load). An Apply that
    // promotes a waiting file applies it only after it is done with them.
    private readonly List<TenantDiagnostic> _errors = [];
    private readonly List<TenantDiagnostic> _warnings = [];

    /// <summary>The served tenants by domain, as an immutable snapshot (O(1)).</summary>
    public PersistentMap<string, TenantEntry> Tenants => _tenants.ToImmutable();

    /// <summary>
    /// The domains added, replaced or withdrawn since the previous call, and a fresh record from here on; null on the
    /// first call (everything in a new catalog is new).
    /// </summary>
    public IReadOnlySet<string>? TakeChanges()
    {
        var changed = _changed;
        _changed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return changed;
    }

    /// <summary>Set name → the longest <c>expires</c> among the served tenants of the set (see <see cref="ExpiresTally"/>).</summary>
    public IReadOnlyDictionary<string, long> LongestExpires => _expires.Longest();

    /// <summary>
    /// The served tenants that want an HTTPS certificate from ACME (<c>acme: true</c>, not disabled), kept as tenants
    /// change; the same instance until one of them changes.
    /// </summary>
    public ImmutableSortedSet<string> AcmeDomains => _acme.ToImmutable();

    /// <summary>The earliest expiry among tenants' own (extra) certificates; the sets' certificates are counted by the caller.</summary>
    public DateTimeOffset? NextExtraExpiry => _extraExpiry.Count == 0 ? null : _extraExpiry.Values.Min();

    /// <summary>Every file's current errors and warnings, ordered by file name.</summary>
    public IEnumerable<TenantDiagnostic> Problems => _problems.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value);

    /// <summary>The context of the load about to apply files: the sets to resolve against, the time, the shared documents.</summary>
    public void Begin(IReadOnlyDictionary<string, CertificateSetEntry> sets, DateTimeOffset now, PoshDocumentCache documents)
    {
        _sets = sets;
        _now = now;
        _documents = documents;
    }

    /// <summary>The files the catalog holds.</summary>
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>How many files the catalog holds.</summary>
    public int FileCount => _files.Count;

    /// <summary>The version of a file the catalog last applied, if any.</summary>
    public ParsedTenantFile? ParsedBy(string name) => _files.GetValueOrDefault(name).Parsed;

    /// <summary>The entry a file serves now, if any.</summary>
    public TenantEntry? ServedBy(string name) => _files.GetValueOrDefault(name).Served;

    /// <summary>
    /// Applies the current version of one file. <paramref name="lastGood"/> is the version to keep if this one is rejected
    /// (on a full load, what the file served before; otherwise what it serves now).
    /// </summary>
    public void Apply(string name, ParsedTenantFile parsed, TenantEntry? lastGood = null)
    {
        var state = _files.GetValueOrDefault(name);
        var served = state.Served;
        if (state.Waiting is { } waiting)
        {
            StopWaiting(waiting, name);
        }

        var keep = lastGood ?? served;
        var errors = _errors;
        var warnings = _warnings;
        errors.Clear();
        warnings.Clear();
        errors.AddRange(parsed.Diagnostics.AsSpan());
        TenantEntry? entry = null;
        string? claim = null;
        if (parsed.Tenant is { } tenant)
        {
            claim = tenant.Domain;
            if (_tenants.TryGetValue(tenant.Domain, out var owner) && !ReferenceEquals(owner, served))
            {
                errors.Add(TenantDiagnostic.Error(tenant.SourceFile, parsed.Positions.Domain.Line, parsed.Positions.Domain.Column, $"domain '{tenant.Domain}' is already defined in {owner.Tenant.SourceFile}", "Keep each domain in exactly one file; delete or rename the duplicate."));
            }
            else
            {
                entry = resolver.Resolve(tenant, parsed.Positions, _sets, keep, _now, _documents, errors, warnings);
            }
        }

        TenantEntry? serving = null;
        if (entry is not null && errors.Count == 0)
        {
            serving = entry;
        }
        else if (keep is not null && (!_tenants.TryGetValue(keep.Tenant.Domain, out var holder) || ReferenceEquals(holder, served)))
        {
            serving = keep;
            warnings.Add(TenantDiagnostic.Warning(keep.Tenant.SourceFile, 0, 0, $"the file is rejected; '{keep.Tenant.Domain}' keeps serving its last good version", "Fix the errors above; the tenant reloads as soon as the file is valid."));
        }

        string? freed = null;
        if (served is not null && (serving is null || !SameDomain(serving, served)))
        {
            Withdraw(served.Tenant.Domain);
            freed = served.Tenant.Domain;
        }

        if (serving is not null)
        {
            Serve(serving);
        }

        var unsatisfied = claim is not null && (serving is null || !string.Equals(serving.Tenant.Domain, claim, StringComparison.OrdinalIgnoreCase)) ? claim : null;
        if (unsatisfied is not null)
        {
            Wait(unsatisfied, name);
        }

        _files[name] = new FileState(parsed, serving, unsatisfied);
        SetProblems(name, errors.Count + warnings.Count == 0 ? [] : [.. errors, .. warnings]);
        SetExtraExpiry(name, serving);
        if (freed is not null)
        {
            Promote(freed);
        }
    }

    /// <summary>The file is known to be gone: its tenant is withdrawn, and a file waiting for the domain takes it over.</summary>
    public void Remove(string name)
    {
        _problems.Remove(name);
        if (!_files.Remove(name, out var state))
        {
            return;
        }

        _extraExpiry.Remove(name);
        if (state.Waiting is { } waiting)
        {
            StopWaiting(waiting, name);
        }

        if (state.Served is { } served)
        {
            Withdraw(served.Tenant.Domain);
            Promote(served.Tenant.Domain);
        }
    }

    /// <summary>Every change to the served tenants goes through here and <see cref="Withdraw"/>, which keep the tallies and the ACME names.</summary>
    private void Serve(TenantEntry entry)
    {
        var domain = entry.Tenant.Domain;
        if (_tenants.TryGetValue(domain, out var current))
        {
            if (ReferenceEquals(current, entry))
            {
                return;
            }

            _expires.Remove(current.Tenant);
        }

        _tenants[domain] = entry;
        _expires.Add(entry.Tenant);
        if (WantsAcme(entry.Tenant))
        {
            _acme.Add(domain);
        }
        else if (current is not null && WantsAcme(current.Tenant))
        {
            // Only a domain served by an entry that wanted ACME is in the set: a search of the sorted set for every
            // other tenant cost a walk of its tree per tenant at every full load.
            _acme.Remove(domain);
        }

        _changed?.Add(domain);
    }

    private void Withdraw(string domain)
    {
        if (_tenants.TryGetValue(domain, out var current))
        {
            _tenants.Remove(domain);
            _expires.Remove(current.Tenant);
            _acme.Remove(domain);
            _changed?.Add(domain);
        }
    }

    /// <summary>The file could not be examined: nothing is known about it, so what it serves keeps serving (and the load reports why).</summary>
    public void MarkUnreadable(string name, TenantDiagnostic error)
    {
        var served = ServedBy(name);
        SetProblems(name, served is null
            ? [error]
            : [error, TenantDiagnostic.Warning(served.Tenant.SourceFile, 0, 0, $"'{served.Tenant.Domain}' keeps serving its last good version", "Fix the file's permissions or the directory; the tenant reloads as soon as the file is readable.")]);
    }

    /// <summary>A served domain was freed: the first waiting claimant by file name that resolves takes it.</summary>
    private void Promote(string domain)
    {
        if (_tenants.ContainsKey(domain) || !_waiting.TryGetValue(domain, out var names))
        {
            return;
        }

        foreach (var name in names.ToArray())
        {
            if (_files.GetValueOrDefault(name) is not { Parsed: not null } state)
            {
                continue;
            }

            Apply(name, state.Parsed);
            if (_tenants.ContainsKey(domain))
            {
                return;
            }
        }
    }

    private void Wait(string domain, string name)
    {
        if (!_waiting.TryGetValue(domain, out var names))
        {
            names = new SortedSet<string>(StringComparer.Ordinal);
            _waiting[domain] = names;
        }

        names.Add(name);
    }

    private void StopWaiting(string domain, string name)
    {
        if (_waiting.TryGetValue(domain, out var names) && names.Remove(name) && names.Count == 0)
        {
            _waiting.Remove(domain);
        }
    }

    private void SetProblems(string name, ImmutableArray<TenantDiagnostic> diagnostics)
    {
        if (diagnostics.IsEmpty)
        {
            _problems.Remove(name);
        }
        else
        {
            _problems[name] = diagnostics;
        }
    }

    private void SetExtraExpiry(string name, TenantEntry? serving)
    {
        if (serving is { Tenant.ExtraCertificates.IsEmpty: false, Certificates.IsEmpty: false })
        {
            _extraExpiry[name] = serving.Certificates.Min(c => c.NotAfter);
        }
        else
        {
            _extraExpiry.Remove(name);
        }
    }

    private static bool WantsAcme(Tenant tenant) => tenant.Acme && !tenant.Disabled;

    private static bool SameDomain(TenantEntry a, TenantEntry b) => string.Equals(a.Tenant.Domain, b.Tenant.Domain, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What one file contributes: its parsed version, the entry it serves (its own or its last good one), the domain it
    /// waits for. A struct, kept in the dictionary's entry: one object fewer per tenant. The default (no
    /// <see cref="Parsed"/>) is a file the catalog does not hold.
    /// </summary>
    private readonly record struct FileState(ParsedTenantFile? Parsed, TenantEntry? Served, string? Waiting);
}
