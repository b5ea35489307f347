using System.Collections.Immutable;
using Microsoft.Extensions.Primitives;
using PoshServer.TenantChecks;
using PoshServer.Tenants;

namespace PoshServer.Status;

/// <summary>
/// Remembers when each tenant last changed in a way its check depends on (enabled or not, services, set, expires,
/// the certificates it publishes), by comparing every new tenant snapshot with the one before. A check older than
/// that change is stale at once, instead of showing its old verdict until the next round; the results of removed
/// tenants are dropped at once (issue 14).
/// </summary>
internal sealed class StatusTenantChanges : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TenantCheckResults _checks;
    private readonly IDisposable _subscription;
    private TenantSnapshot _seen;
    private ImmutableDictionary<string, DateTimeOffset> _changedAt = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);

    public StatusTenantChanges(TenantStore store, TenantCheckResults checks)
    {
        _checks = checks;
        _seen = store.Current;
        // Reading the snapshot also observes it (Observe is idempotent), so a page built right after a swap is right
        // even before this callback has run.
        _subscription = ChangeToken.OnChange(store.GetReloadToken, () => Observe(store.Current));
    }

    /// <summary>When the tenant last changed, as of <paramref name="current"/>; null when it has not changed since start-up.</summary>
    public DateTimeOffset? ChangedAt(TenantSnapshot current, string domain)
    {
        Observe(current);
        return _changedAt.TryGetValue(domain, out var at) ? at : null;
    }

    /// <summary>Compares <paramref name="current"/> with the snapshot seen before it, once per snapshot generation.</summary>
    public void Observe(TenantSnapshot current)
    {
        lock (_lock)
        {
            if (current.Generation <= _seen.Generation)
            {
                return;
            }

            if (_seen.Generation == 0)
            {
                // The first load: nothing changed, it only became known (a stored cluster round stays current).
                _seen = current;
                return;
            }

            var changed = _changedAt.ToBuilder();
            // A watcher's change names the domains it touched: compare those, not every tenant (issue 9).
            var touched = current.ChangedSince(_seen);
            foreach (var domain in touched ?? (IEnumerable<string>)current.Tenants.Keys)
            {
                if (current.Tenants.TryGetValue(domain, out var entry) && (!_seen.Tenants.TryGetValue(domain, out var before) || !SameForChecks(before, entry)))
                {
                    changed[domain] = current.BuiltAt;
                }
            }

            var removed = (touched ?? (IEnumerable<string>)_seen.Tenants.Keys).Where(d => !current.Tenants.ContainsKey(d)).ToList();
            foreach (var domain in removed)
            {
                changed.Remove(domain);
            }

            _checks.Forget(removed);

            _changedAt = changed.ToImmutable();
            _seen = current;
        }
    }

    public void Dispose() => _subscription.Dispose();

    /// <summary>Whether a check of <paramref name="before"/> still speaks for <paramref name="after"/>.</summary>
    private static bool SameForChecks(TenantEntry before, TenantEntry after)
    {
        if (ReferenceEquals(before, after))
        {
            return true;
        }

        var (a, b) = (before.Tenant, after.Tenant);
        return a.Disabled == b.Disabled
            && a.Expires == b.Expires
            && a.ReferenceExpires == b.ReferenceExpires
            && string.Equals(a.CertificateSet, b.CertificateSet, StringComparison.Ordinal)
            && a.Services.SequenceEqual(b.Services)
            && (before.Document is null) == (after.Document is null)
            && before.Certificates.Select(c => c.Sha256).SequenceEqual(after.Certificates.Select(c => c.Sha256), StringComparer.Ordinal);
    }
}
