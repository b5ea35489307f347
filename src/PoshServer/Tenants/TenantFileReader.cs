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
    private readonly ConcurrentDictionary<string, (TenantFileStamp Stamp, ParsedTenantFile Parsed)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The parsed file. <paramref name="knownStamp"/> comes from the listing (null for a link: its target is examined,
    /// and never taken from the cache, since a flipped link may point at a file with the same size and time).
    /// <paramref name="force"/> re-reads although the stamp is unchanged: the watcher said the file changed, and a
    /// rewrite within the file system's timestamp granularity keeps the stamp.
    /// </summary>
    public ParsedTenantFile Read(string directory, string name, TenantFileStamp? knownStamp, bool force = false)
    {
        var path = Path.Combine(directory, name);
        var display = TenantCatalogBuilder.Display(options, name);
        string? stampError = null;
        var stampTransient = false;
        var stamp = knownStamp ?? TenantFileText.StampOf(path, out stampError, out stampTransient);
        if (stamp is not { } current)
        {
            _cache.TryRemove(name, out _);
            return Unusable(display, stampError ?? "the file cannot be read", stampTransient);
        }

        if (!force && knownStamp is not null && _cache.TryGetValue(name, out var cached) && cached.Stamp == current)
        {
            return cached.Parsed;
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
            _cache[name] = (current, parsed);
        }

        return parsed;
    }

    /// <summary>The stamp of the version last read, if any.</summary>
    public TenantFileStamp? CachedStamp(string name) => _cache.TryGetValue(name, out var cached) ? cached.Stamp : null;

    /// <summary>Drops what is remembered about files no longer in the directory.</summary>
    public void Forget(string name) => _cache.TryRemove(name, out _);

    public void Retain(IReadOnlyList<ListedTenantFile> files)
    {
        var names = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in _cache.Keys)
        {
            if (!names.Contains(name))
            {
                _cache.TryRemove(name, out _);
            }
        }
    }

    private static ParsedTenantFile Unusable(string display, string message, bool transient) =>
        new(null, [TenantDiagnostic.Error(display, 0, 0, message, "Check that the file exists, is UTF-8 text and is readable by the service user.") with { Transient = transient }], ParsedTenantFile.Start, transient);
}
