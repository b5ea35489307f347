using System.Collections.Immutable;

namespace PoshServer.Tenants;

/// <summary>
/// Step 2 of the catalog: reads and parses tenant files, remembering each file's result by its stamp so that a file
/// whose size and time are unchanged is neither read nor parsed again. Safe to call from several threads (a full
/// load parses on every core).
/// </summary>
internal sealed class TenantFileReader(TenantsOptions options)
{
    // A dictionary under a lock rather than a ConcurrentDictionary: that keeps one node object per entry, 100,000 more
    // objects for every collection to trace at 100,000 tenants, and the lock is held for a lookup, never for a parse.
    private readonly Lock _lock = new();
    private Dictionary<string, RememberedTenantFile> _cache = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>
    /// The parsed file. <paramref name="knownStamp"/> comes from the listing (null for a link: its target is examined,
    /// and never taken from the cache, since a flipped link may point at a file with the same size and time).
    /// <paramref name="force"/> re-reads although the stamp is unchanged: the watcher said the file changed, and a
    /// rewrite within the file system's timestamp granularity keeps the stamp.
    /// </summary>
    public ParsedTenantFile Read(string directory, string name, TenantFileStamp? knownStamp, bool force = false)
    {
        if (!force && knownStamp is { } known && Lookup(name) is { } cached && cached.Stamp == known)
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
        string? stampError = null;
        var stampTransient = false;
        var stamp = knownStamp ?? TenantFileText.StampOf(path, out stampError, out stampTransient);
        if (stamp is not { } current)
        {
            Forget(name);
            return Unusable(name, stampError ?? "the file cannot be read", stampTransient);
        }

        var text = TenantFileText.Read(path, current, options.MaxFileBytes, out var error, out var transient);
        ParsedTenantFile parsed;
        if (text is null)
        {
            parsed = Unusable(name, error!, transient);
        }
        else
        {
            var (tenant, problems, positions) = TenantFileParser.Parse(text, name, directory, options);
            parsed = new ParsedTenantFile(tenant, problems, positions, Transient: false);
        }

        if (!parsed.Transient)
        {
            // Not cached when transient: the next load tries again (e.g. a file being replaced, or permissions fixed).
            var remembered = new RememberedTenantFile(name, current, parsed);
            lock (_lock)
            {
                _cache[name] = remembered;
                _version++;
            }
        }

        return parsed;
    }

    /// <summary>How many files have a result remembered: about how many the next listing finds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _cache.Count;
            }
        }
    }

    /// <summary>
    /// What is remembered of a file, looked up by the name as the listing sees it: a listing takes the name from here
    /// instead of allocating, on every full load, one string per file equal to one it already has (100,000 of them at
    /// 100,000 tenants), and the load reads the remembered result from the listing without a second lookup.
    /// </summary>
    public RememberedTenantFile? Find(ReadOnlySpan<char> name)
    {
        lock (_lock)
        {
            return _cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var remembered) ? remembered : null;
        }
    }

    /// <summary>The stamp of the version last read, if any.</summary>
    public TenantFileStamp? CachedStamp(string name) => Lookup(name)?.Stamp;

    /// <summary>Changes with every result remembered or forgotten: whether what <see cref="Remembered"/> returns changed.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Drops what is remembered about files no longer in the directory.</summary>
    public void Forget(string name)
    {
        lock (_lock)
        {
            if (_cache.Remove(name))
            {
                _version++;
            }
        }
    }

    /// <summary>
    /// Takes results remembered by an earlier process (<see cref="TenantParseCache"/>): each is used only while its
    /// file's stamp is unchanged, like the results of this process's own reads.
    /// </summary>
    public void Remember(IReadOnlyCollection<RememberedTenantFile> files)
    {
        lock (_lock)
        {
            if (_cache.Count == 0)
            {
                // Before the first load: sized once rather than grown through every doubling.
                _cache = new(files.Count, StringComparer.Ordinal);
            }

            foreach (var file in files)
            {
                _cache[file.Name] = file;
            }

            _version++;
        }
    }

    /// <summary>Every remembered result, as they are now (a copy: loads may go on while it is written out).</summary>
    public RememberedTenantFile[] Remembered()
    {
        lock (_lock)
        {
            return [.. _cache.Values];
        }
    }

    public void Retain(IReadOnlyList<ListedTenantFile> files)
    {
        // Usually every remembered file is still listed: counting the listed ones remembered says so without building a
        // set of 100,000 names (a listing made with this reader says which it found; others are looked up).
        var listedAndRemembered = 0;
        foreach (var file in files)
        {
            listedAndRemembered += file.Remembered is not null || Lookup(file.Name) is not null ? 1 : 0;
        }

        if (listedAndRemembered == Count)
        {
            return;
        }

        var names = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var remembered in Remembered())
        {
            if (!names.Contains(remembered.Name))
            {
                Forget(remembered.Name);
            }
        }
    }

    private RememberedTenantFile? Lookup(string name)
    {
        lock (_lock)
        {
            return _cache.GetValueOrDefault(name);
        }
    }

    private ParsedTenantFile Unusable(string name, string message, bool transient) =>
        new(null, [TenantDiagnostic.Error(TenantCatalogBuilder.Display(options, name), 0, 0, message, "Check that the file exists, is UTF-8 text and is readable by the service user.") with { Transient = transient }], ParsedTenantFile.Start, transient);
}
