using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PoshClient.Names;

namespace PoshServer.Acme;

/// <summary><see cref="AcmeOptions.HostNames"/> plus the tenants that opted in, normalised and de-duplicated.</summary>
internal sealed class AcmeNameSource : IAcmeNameSource, IDisposable
{
    private readonly IOptionsMonitor<AcmeOptions> _options;
    private readonly AcmeTenantNames? _tenants;
    private readonly IDisposable? _optionsSubscription;
    private CancellationTokenSource _optionsChanged = new();

    public AcmeNameSource(IOptionsMonitor<AcmeOptions> options, AcmeTenantNames? tenants)
    {
        _options = options;
        _tenants = tenants;
        _optionsSubscription = options.OnChange(_ => Interlocked.Exchange(ref _optionsChanged, new CancellationTokenSource()).Cancel());
    }

    public IReadOnlyCollection<string> GetNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in _options.CurrentValue.HostNames.Concat(_tenants?.GetNames() ?? []))
        {
            // The names ACME orders are the names clients send in SNI: A-labels, whatever spelling configured them.
            if (DomainName.TryParseQualified(name, out var normalized))
            {
                names.Add(normalized.Value);
            }
        }

        return names;
    }

    public IChangeToken GetChangeToken()
    {
        var options = new CancellationChangeToken(Volatile.Read(ref _optionsChanged).Token);
        return _tenants is null ? options : new CompositeChangeToken([options, _tenants.GetChangeToken()]);
    }

    public void Dispose()
    {
        _optionsSubscription?.Dispose();
        _optionsChanged.Dispose();
    }
}
