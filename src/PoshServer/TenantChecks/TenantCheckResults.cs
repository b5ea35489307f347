using System.Collections.Concurrent;

namespace PoshServer.TenantChecks;

/// <summary>The latest check result per tenant, for the status page and metrics.</summary>
internal sealed class TenantCheckResults
{
    private readonly ConcurrentDictionary<string, TenantCheckResult> _results = new(StringComparer.OrdinalIgnoreCase);

    public DateTimeOffset? LastRound { get; set; }

    public void Set(TenantCheckResult result) => _results[result.Domain] = result;

    public TenantCheckResult? Get(string domain) => _results.GetValueOrDefault(domain);

    /// <summary>Drops the results of <paramref name="domains"/> (tenants withdrawn).</summary>
    public void Forget(IEnumerable<string> domains)
    {
        foreach (var domain in domains)
        {
            _results.TryRemove(domain, out _);
        }
    }

    /// <summary>Drops results of tenants that no longer exist.</summary>
    public void Retain(IEnumerable<string> domains)
    {
        var keep = domains.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var domain in _results.Keys.Where(d => !keep.Contains(d)))
        {
            _results.TryRemove(domain, out _);
        }
    }

    /// <summary>Takes another replica's round as a whole (a cluster store).</summary>
    public void Replace(IEnumerable<TenantCheckResult> results, DateTimeOffset completedAt)
    {
        var incoming = results.ToList();
        foreach (var result in incoming)
        {
            _results[result.Domain] = result;
        }

        Retain(incoming.Select(r => r.Domain));
        LastRound = completedAt;
    }

    public IReadOnlyList<TenantCheckResult> All => [.. _results.Values.OrderBy(r => r.Domain, StringComparer.Ordinal)];
}
