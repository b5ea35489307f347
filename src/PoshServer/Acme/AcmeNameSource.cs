using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

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
            var normalized = name.TrimEnd('.').ToLowerInvariant();
            if (AcmeHostNames.IsValid(normalized))
            {
                names.Add(normalized);
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
