using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// Step 2 of the catalog: reads and parses tenant files, remembering each file's result by its stamp so that a file
/// whose size and time are unchanged is neither read nor parsed again. Safe to call from several threads (a full
/// load parses on every core).
/// </summary>
internal sealed class TenantFileReader(TenantsOptions options)
{
    private ConcurrentDictionary<string, RememberedTenantFile> _cache = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>
    /// The parsed file. <paramref name="knownStamp"/> comes from the listing (null for a link: its target is examined,
    /// and never taken from the cache, since a flipped link may point at a file with the same size and time).
    /// <paramref name="force"/> re-reads although the stamp is unchanged: the watcher said the file changed, and a
    /// rewrite within the file system's timestamp granularity keeps the stamp.
    /// </summary>
    public ParsedTenantFile Read(string directory, string name, TenantFileStamp? knownStamp, bool force = false)
    {
        if (!force && knownStamp is { } known && _cache.TryGetValue(name, out var cached) && cached.Stamp == known)
        {
            return cached.Parsed;
        }

        return ReadFile(directory, name, knownStamp);
    }

    /// <summary>
    /// <see cref="Read(string, string, TenantFileStamp?, bool)"/> for a listed file: what the listing found remembered
    /// is used without looking the name up again.
    /// </summary>
    public ParsedTenantFile Read(string directory, ListedTenantFile file) =>
        file is { Stamp: { } stamp, Remembered: { } remembered } && remembered.Stamp == stamp
            ? remembered.Parsed
            : ReadFile(directory, file.Name, file.Stamp);

    private ParsedTenantFile ReadFile(string directory, string name, TenantFileStamp? knownStamp)
    {
        var path = Path.Combine(directory, name);
        var display = TenantCatalogBuilder.Display(options, name);
        string? stampError = null;
        var stampTransient = false;
        var stamp = knownStamp ?? TenantFileText.StampOf(path, out stampError, out stampTransient);
        if (stamp is not { } current)
        {
            Forget(name);
            return Unusable(display, stampError ?? "the file cannot be read", stampTransient);
        }

        var text = TenantFileText.Read(path, current, options.MaxFileBytes, out var error, out var transient);
        ParsedTenantFile parsed;
        if (text is null)
        {
            parsed = Unusable(display, error!, transient);
        }
        else
        {
            var (tenant, problems, positions) = TenantFileParser.Parse(text, display, directory, options);
            parsed = new ParsedTenantFile(tenant, [.. problems], positions, Transient: false);
        }

        if (!parsed.Transient)
        {
            // Not cached when transient: the next load tries again (e.g. a file being replaced, or permissions fixed).
            _cache[name] = new RememberedTenantFile(name, current, parsed);
            Interlocked.Increment(ref _version);
        }

        return parsed;
    }

    /// <summary>How many files have a result remembered: about how many the next listing finds.</summary>
    public int Count => _cache.Count;

    /// <summary>
    /// What is remembered of a file, looked up by the name as the listing sees it: a listing takes the name from here
    /// instead of allocating, on every full load, one string per file equal to one it already has (100,000 of them at
    /// 100,000 tenants), and the load reads the remembered result from the listing without a second lookup.
    /// </summary>
    public RememberedTenantFile? Find(ReadOnlySpan<char> name) =>
        _cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var remembered) ? remembered : null;

    /// <summary>The stamp of the version last read, if any.</summary>
    public TenantFileStamp? CachedStamp(string name) => _cache.TryGetValue(name, out var cached) ? cached.Stamp : null;

    /// <summary>Changes with every result remembered or forgotten: whether what <see cref="Remembered"/> returns changed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Drops what is remembered about files no longer in the directory.</summary>
    public void Forget(string name)
    {
        if (_cache.TryRemove(name, out _))
        {
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// Takes results remembered by an earlier process (<see cref="TenantParseCache"/>): each is used only while its
    /// file's stamp is unchanged, like the results of this process's own reads.
    /// </summary>
    public void Remember(IReadOnlyCollection<RememberedTenantFile> files)
    {
        if (_cache.IsEmpty)
        {
            // Before the first load: sized once rather than grown through every doubling.
            _cache = new(Environment.ProcessorCount, files.Count, StringComparer.Ordinal);
        }

        foreach (var file in files)
        {
            _cache[file.Name] = file;
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Every remembered result, enumerated as it is (call on the thread that loads, for a consistent view).</summary>
    public IEnumerable<RememberedTenantFile> Remembered() => _cache.Select(pair => pair.Value);

    public void Retain(IReadOnlyList<ListedTenantFile> files)
    {
        // Usually every remembered file is still listed: counting the listed ones remembered says so without building a
        // set of 100,000 names (a listing made with this reader says which it found; others are looked up).
        var listedAndRemembered = 0;
        foreach (var file in files)
        {
            listedAndRemembered += file.Remembered is not null || _cache.ContainsKey(file.Name) ? 1 : 0;
        }

        if (listedAndRemembered == _cache.Count)
        {
            return;
        }

        var names = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in _cache)
        {
            if (!names.Contains(name))
            {
                Forget(name);
            }
        }
    }

    private static ParsedTenantFile Unusable(string display, string message, bool transient) =>
        new(null, [TenantDiagnostic.Error(display, 0, 0, message, "Check that the file exists, is UTF-8 text and is readable by the service user.") with { Transient = transient }], ParsedTenantFile.Start, transient);
}
