using System.Collections.Immutable;
using Microsoft.Extensions.Primitives;

namespace PoshServer.Tenants;

/// <summary>
/// The tenants that want an HTTPS certificate from ACME, with a change token that fires when that set changes rather
/// than on every swap. ACME's renewal cycle passes over every ACME name; woken by every swap, a change to any tenant
/// cost a pass over all tenants and a cycle over all ACME names (issue 9: one change costs one change).
/// </summary>
internal sealed class TenantAcmeDomains : IDisposable
{
    private readonly TenantStore _store;
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private ImmutableSortedSet<string> _seen;
    private CancellationTokenSource _changed = new();

    public TenantAcmeDomains(TenantStore store)
    {
        _store = store;
        _seen = store.Current.AcmeDomains;
        _subscription = ChangeToken.OnChange(store.GetReloadToken, Observe);
    }

    /// <summary>The domains, sorted.</summary>
    public ImmutableSortedSet<string> Current => _store.Current.AcmeDomains;

    /// <summary>Fires once the set differs from the one it was taken with.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose()
    {
        _subscription.Dispose();
        _changed.Dispose();
    }

    private void Observe()
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            var current = _store.Current.AcmeDomains;
            // The same instance while no ACME tenant changed; a rebuilt catalog builds an equal one.
            if (ReferenceEquals(current, _seen) || current.SetEquals(_seen))
            {
                _seen = current;
                return;
            }

            _seen = current;
            changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        }

        changed.Cancel();
        changed.Dispose();
    }
}
