using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PoshClient.Documents;

namespace PoshClient.Verification;

/// <summary>
/// Caches lookups per (domain, service) (RFC 7711 §6, posh-spec C-27..C-30) and shares one in-flight fetch among
/// concurrent callers. A caller that gives up stops waiting, but the shared fetch runs on (bounded by the lookup
/// budget) for everyone else.
/// </summary>
internal sealed class PoshMaterialCache
{
    private readonly ConcurrentDictionary<(string Domain, PoshService Service), Entry> _entries = new();
    private readonly PoshDocumentFetcher _fetcher;
    private readonly PoshClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public PoshMaterialCache(PoshDocumentFetcher fetcher, PoshClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _fetcher = fetcher;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Returns cached material while fresh; otherwise starts or joins a fetch.</summary>
    public async Task<CachedLookup> GetAsync(string domain, PoshService service, bool bypassCache, CancellationToken cancellationToken)
    {
        var key = (domain, service);
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                var created = new Entry(this, key);
                if (_entries.TryAdd(key, created))
                {
                    TrimIfFull();
                    return await created.JoinAsync(fromCache: false, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (!current.Lookup.IsValueCreated || !current.Lookup.Value.IsCompleted)
            {
                // Single flight: join the fetch already under way; its result is fresh, not cached.
                return await current.JoinAsync(fromCache: false, cancellationToken).ConfigureAwait(false);
            }

            if (!bypassCache
                && Completed(current) is { } completed
                && _timeProvider.GetUtcNow() < completed.CacheUntil)
            {
                return await current.JoinAsync(fromCache: true, cancellationToken).ConfigureAwait(false);
            }

            // Stale (RFC 7711 §6: redo the whole operation), faulted, or bypassed: replace unless someone beat us to it.
            var replacement = new Entry(this, key);
            if (_entries.TryUpdate(key, replacement, current))
            {
                return await replacement.JoinAsync(fromCache: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Replaces <paramref name="stale"/> by a fresh fetch (refetch-once after a mismatch, posh-spec C-19). If another
    /// caller already replaced it, joins theirs instead, so a burst of mismatches causes one refetch.
    /// </summary>
    public async Task<CachedLookup> RefreshAsync(CachedLookup stale, CancellationToken cancellationToken)
    {
        var replacement = new Entry(this, stale.Entry.Key);
        if (_entries.TryUpdate(stale.Entry.Key, replacement, stale.Entry))
        {
            return await replacement.JoinAsync(fromCache: false, cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(stale.Entry.Key.Domain, stale.Entry.Key.Service, bypassCache: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a result may be served from cache: min(expires) capped by MaxCacheTime for found material; the
    /// short negative times, spread by ±jitter, for everything else. <paramref name="random"/> is uniform in [0, 1).
    /// </summary>
    internal static TimeSpan ComputeTimeToLive(PoshLookupResult result, PoshClientOptions options, double random)
    {
        if (result.IsFound)
        {
            var expires = result.EffectiveExpires ?? 0;

            // Compare in seconds first: expires may be up to long.MaxValue, far beyond TimeSpan's range.
            return expires >= options.MaxCacheTime.TotalSeconds ? options.MaxCacheTime : TimeSpan.FromSeconds(expires);
        }

        var baseTime = result.Status switch
        {
            PoshLookupStatus.NotFound or PoshLookupStatus.Malformed or PoshLookupStatus.Invalid or PoshLookupStatus.InvalidDomain => options.NotFoundCacheTime,
            _ => options.FailureCacheTime,
        };
        var factor = 1 + (options.NegativeCacheJitter * ((2 * random) - 1));
        return baseTime * factor;
    }

    private async Task<PoshLookupResult> FetchAsync(Entry entry)
    {
        try
        {
            // No caller token: the fetch is shared, and the lookup budget bounds it.
            var result = await _fetcher.FetchAsync(entry.Key.Domain, entry.Key.Service, CancellationToken.None).ConfigureAwait(false);
            var ttl = ComputeTimeToLive(result, _options, Random.Shared.NextDouble());
            return result with { CacheUntil = result.FetchedAt + ttl };
        }
        catch
        {
            // Never cache an unexpected failure; the next caller retries.
            _entries.TryRemove(KeyValuePair.Create(entry.Key, entry));
            throw;
        }
    }

    private void TrimIfFull()
    {
        if (_entries.Count <= _options.MaxCacheEntries)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        foreach (var pair in _entries)
        {
            if (Completed(pair.Value) is { } completed && completed.CacheUntil <= now)
            {
                _entries.TryRemove(pair);
            }
        }

        if (_entries.Count > _options.MaxCacheEntries)
        {
            PoshVerifierLog.CacheFull(_logger, _options.MaxCacheEntries);
            foreach (var pair in _entries)
            {
                if (pair.Value.Lookup.IsValueCreated && pair.Value.Lookup.Value.IsCompleted)
                {
                    _entries.TryRemove(pair);
                }
            }
        }
    }

    /// <summary>The entry's result when its fetch has finished successfully; null while it runs, or when it failed.</summary>
    private static PoshLookupResult? Completed(Entry entry)
    {
        if (!entry.Lookup.IsValueCreated || !entry.Lookup.Value.IsCompletedSuccessfully)
        {
            return null;
        }

#pragma warning disable RS0030 // Task.Result of a task that has completed successfully does not block.
        return entry.Lookup.Value.Result;
#pragma warning restore RS0030
    }

    /// <summary>One cache slot. The fetch starts lazily, only once the entry has won its place in the dictionary.</summary>
    internal sealed class Entry
    {
        public Entry(PoshMaterialCache cache, (string Domain, PoshService Service) key)
        {
            Key = key;
            Lookup = new Lazy<Task<PoshLookupResult>>(() => cache.FetchAsync(this));
        }

        public (string Domain, PoshService Service) Key { get; }

        public Lazy<Task<PoshLookupResult>> Lookup { get; }

        public async Task<CachedLookup> JoinAsync(bool fromCache, CancellationToken cancellationToken)
        {
            var result = await Lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new CachedLookup(this, fromCache ? result with { FromCache = true } : result);
        }
    }
}
